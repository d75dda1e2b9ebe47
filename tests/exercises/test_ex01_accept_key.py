"""ex01: accept_key(client_key) -> the Sec-WebSocket-Accept header value."""

import base64
import re
import socket
import threading

import pytest
from websockets.exceptions import InvalidHandshake
from websockets.sync.client import connect


@pytest.fixture(scope="module")
def accept_key(submission):
    return submission("ex01_accept_key.py").accept_key


def test_rfc_sample_key(accept_key):
    """The RFC 6455 sample key gives the RFC's answer"""
    got = accept_key("dGhlIHNhbXBsZSBub25jZQ==")
    assert got == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", f"expected 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=', got {got!r}"


def test_returns_base64_text_of_a_sha1_digest(accept_key):
    """The answer is base64 text of 20 bytes (a SHA-1 digest), not hex"""
    got = accept_key("x3JJHMbDL1EzLkh9GBhXDw==")
    assert isinstance(got, str), f"expected a str, got {type(got).__name__}"
    assert len(base64.b64decode(got, validate=True)) == 20, f"expected base64 of 20 bytes, got {got!r}"


@pytest.mark.parametrize("key", ["x3JJHMbDL1EzLkh9GBhXDw==", "AQIDBAUGBwgJCgsMDQ4PEA=="])
def test_other_keys_match_the_formula(accept_key, key):
    """Other keys give the value a real client expects"""
    expected = {
        "x3JJHMbDL1EzLkh9GBhXDw==": "HSmrc0sMlYUkAGmm5OPpG2HaGWk=",
        "AQIDBAUGBwgJCgsMDQ4PEA==": "C/0nmHhBztSRGR1CwL6Tf4ZjwpY=",
    }[key]
    got = accept_key(key)
    assert got == expected, f"for key {key!r} expected {expected!r}, got {got!r}"


def test_a_real_client_accepts_your_answer(accept_key):
    """A real websockets client completes the handshake with a server that answers with your function"""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        raised = []
        server = threading.Thread(target=answer_one_handshake, args=(listener, accept_key, raised), daemon=True)
        server.start()
        try:
            with connect(f"ws://127.0.0.1:{port}/", open_timeout=5, close_timeout=1, proxy=None):
                pass
        except (InvalidHandshake, TimeoutError, OSError) as error:
            why = f"accept_key raised {raised[0]!r}" if raised else str(error)
            pytest.fail(f"the client refused the handshake: {why}", pytrace=False)
        server.join(timeout=5)


def answer_one_handshake(listener, accept_key, raised):
    """A minimal server: read one Upgrade request, answer 101 with accept_key(key), wait for the close."""
    connection, _ = listener.accept()
    with connection:
        request = b""
        while b"\r\n\r\n" not in request:
            request += connection.recv(4096)
        key = re.search(rb"sec-websocket-key: *(\S+)", request, re.IGNORECASE).group(1).decode()
        try:
            answer = accept_key(key)
        except Exception as error:  # noqa: BLE001 - reported by the test
            raised.append(error)
            return
        connection.sendall(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {answer}\r\n\r\n".encode()
        )
        connection.settimeout(5)
        connection.recv(1024)  # the client's close frame
