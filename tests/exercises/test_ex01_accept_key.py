"""ex01: handshake_response(headers) -> (status, headers): 101 with Sec-WebSocket-Accept, 426 or 400."""

import base64
import hashlib
import socket
import threading

import pytest
from websockets.exceptions import InvalidHandshake, InvalidStatus
from websockets.sync.client import connect

RFC_KEY, RFC_ACCEPT = "dGhlIHNhbXBsZSBub25jZQ==", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
GOOD = {"Host": "example.com", "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": RFC_KEY, "Sec-WebSocket-Version": "13"}


@pytest.fixture(scope="module")
def respond(submission):
    """The learner's function, with its answer checked for shape: exactly an int and a dict of str."""
    function = submission("ex01_accept_key.py").handshake_response

    def call(headers):
        answer = function(dict(headers))
        assert type(answer) is tuple and len(answer) == 2, \
            f"expected a tuple (status, headers), got {answer!r}"
        status, response = answer
        assert type(status) is int, f"expected the status as an int, got {status!r}"
        assert type(response) is dict and all(type(k) is str and type(v) is str for k, v in response.items()), \
            f"expected the headers as a dict of str to str, got {response!r}"
        return status, {k.lower(): v for k, v in response.items()}

    return call


def with_headers(**changes):
    """GOOD with some headers replaced (None removes one); keyword names use _ for -."""
    headers = dict(GOOD)
    for name, value in changes.items():
        name = name.replace("_", "-")
        match = next((k for k in headers if k.lower() == name.lower()), name)
        headers.pop(match, None)
        if value is not None:
            headers[name] = value
    return headers


def test_the_rfc_sample_request_is_accepted(respond):
    """The RFC 6455 sample request gets 101 and the RFC's Sec-WebSocket-Accept"""
    status, headers = respond(GOOD)
    assert status == 101, f"a valid handshake gets 101 Switching Protocols, got {status}"
    got = headers.get("sec-websocket-accept")
    if got and len(got) > 28:
        pytest.fail(f"Sec-WebSocket-Accept is {got!r}: base64 of the 20-byte SHA-1 digest() is 28 "
                    "characters; base64 of a hexdigest() is longer", pytrace=False)
    from_decoded_key = hashlib.sha1(base64.b64decode(RFC_KEY) + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest()
    if got == base64.b64encode(from_decoded_key).decode():
        pytest.fail("Sec-WebSocket-Accept was computed from the decoded key: hash the key text exactly as "
                    "the client sent it", pytrace=False)
    assert got == RFC_ACCEPT, f"expected Sec-WebSocket-Accept {RFC_ACCEPT!r}, got {got!r}"
    assert headers.get("upgrade", "").lower() == "websocket" and "upgrade" in headers.get("connection", "").lower(), \
        f"a 101 answer says Upgrade: websocket and Connection: Upgrade, got {headers}"


@pytest.mark.parametrize("key, accept", [("x3JJHMbDL1EzLkh9GBhXDw==", "HSmrc0sMlYUkAGmm5OPpG2HaGWk="),
                                         ("AQIDBAUGBwgJCgsMDQ4PEA==", "C/0nmHhBztSRGR1CwL6Tf4ZjwpY=")])
def test_other_keys_get_their_own_accept_value(respond, key, accept):
    """Other keys get the value a real client expects"""
    status, headers = respond(with_headers(sec_websocket_key=key))
    assert (status, headers.get("sec-websocket-accept")) == (101, accept), \
        f"for key {key!r} expected 101 with {accept!r}, got {status} with {headers.get('sec-websocket-accept')!r}"


def test_header_names_are_case_insensitive(respond):
    """Header names in any case work: "sec-websocket-key" is the same header as "Sec-WebSocket-Key" """
    lowered = {name.lower(): value for name, value in GOOD.items()}
    shouting = {name.upper(): value for name, value in GOOD.items()}
    for headers in (lowered, shouting):
        try:
            status, answer = respond(headers)
        except KeyError as missing:
            pytest.fail(f"KeyError {missing}: header names are case-insensitive, so look them up "
                        "whatever case the client used", pytrace=False)
        assert status == 101 and answer.get("sec-websocket-accept") == RFC_ACCEPT, \
            f"header names are case-insensitive: with names like {next(iter(headers))!r} expected 101, got {status}"


@pytest.mark.parametrize("connection", ["keep-alive, Upgrade", "upgrade", "Upgrade,keep-alive"])
def test_connection_is_a_list_of_tokens(respond, connection):
    """Connection may list other tokens and any case ("keep-alive, Upgrade", as Firefox sends)"""
    status, _ = respond(with_headers(connection=connection))
    assert status == 101, (f"with Connection: {connection!r} expected 101, got {status}: Connection is a "
                           "comma-separated list of tokens, compared case-insensitively")


@pytest.mark.parametrize("key", ["hello", "AAAA", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZSE/Pw==", "",
                                 "dGhlIHNhbXBsZSBub25jZQ==!", "dGhl IHNhbXBsZSBub25jZQ=="])
def test_a_key_that_is_not_base64_of_16_bytes_gets_400(respond, key):
    """A Sec-WebSocket-Key that is not base64 of exactly 16 bytes gets 400"""
    try:
        status, _ = respond(with_headers(sec_websocket_key=key))
    except Exception as error:  # noqa: BLE001 - a crash is the mistake being reported
        pytest.fail(f"with Sec-WebSocket-Key {key!r} your function raised {type(error).__name__}: {error}; "
                    "a key that does not decode to 16 bytes gets 400", pytrace=False)
    assert status == 400, f"with Sec-WebSocket-Key {key!r} expected 400, got {status}: the key must decode to 16 bytes"


@pytest.mark.parametrize("missing", ["Host", "Upgrade", "Connection", "Sec-WebSocket-Key"])
def test_a_request_missing_a_required_header_gets_400(respond, missing):
    """A request without Host, Upgrade, Connection or Sec-WebSocket-Key gets 400"""
    try:
        status, _ = respond(with_headers(**{missing.replace("-", "_"): None}))
    except KeyError:
        pytest.fail(f"without a {missing} header your function raised KeyError; a missing header gets 400",
                    pytrace=False)
    assert status == 400, f"without a {missing} header expected 400, got {status}"


@pytest.mark.parametrize("upgrade, connection", [("h2c", "Upgrade"), ("websocket", "keep-alive")])
def test_a_request_for_something_else_gets_400(respond, upgrade, connection):
    """Upgrade must be websocket, and Connection must list Upgrade"""
    status, _ = respond(with_headers(upgrade=upgrade, connection=connection))
    assert status == 400, f"with Upgrade: {upgrade!r} and Connection: {connection!r} expected 400, got {status}"


@pytest.mark.parametrize("version", ["8", "12", "14"])
def test_another_version_gets_426_naming_13(respond, version):
    """A valid request for another Sec-WebSocket-Version gets 426 with Sec-WebSocket-Version: 13"""
    status, headers = respond(with_headers(sec_websocket_version=version))
    assert (status, headers.get("sec-websocket-version")) == (426, "13"), \
        (f"with Sec-WebSocket-Version {version!r} expected 426 and Sec-WebSocket-Version: 13 (RFC 6455 4.4: "
         f"say which version you speak), got {status} with {headers}")


def test_a_real_client_completes_the_handshake(respond):
    """A real websockets client completes the handshake with a server that answers with your function"""
    with serve_one(respond) as (port, raised):
        try:
            with connect(f"ws://127.0.0.1:{port}/", open_timeout=5, close_timeout=1, proxy=None):
                pass
        except (InvalidHandshake, TimeoutError, OSError) as error:
            pytest.fail(f"the client refused the handshake: {raised[0] if raised else error}", pytrace=False)


def test_a_real_client_offering_version_8_is_refused(respond):
    """A real client that offers version 8 is refused with 426"""
    with serve_one(respond) as (port, raised):
        with pytest.raises(InvalidStatus) as refused:
            with connect(f"ws://127.0.0.1:{port}/", open_timeout=5, close_timeout=1, proxy=None,
                         additional_headers={"Sec-WebSocket-Version": "8"}):
                pass
        status = refused.value.response.status_code
        assert status == 426, f"expected the client to be refused with 426, got {status} {raised}"


class serve_one:
    """A one-connection server that answers the handshake with the learner's function."""

    def __init__(self, respond):
        self.respond, self.raised = respond, []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()

    def __enter__(self):
        threading.Thread(target=self.answer, daemon=True).start()
        return self.listener.getsockname()[1], self.raised

    def __exit__(self, *exc):
        self.listener.close()

    def answer(self):
        connection, _ = self.listener.accept()
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096)
            lines = request.decode("latin-1").split("\r\n")[1:]
            headers = {}
            for line in filter(None, lines):  # a header sent twice: the later one wins (a test's extra version)
                name, _, value = line.partition(":")
                headers[name] = value.strip()
            try:
                status, answer = self.respond(headers)
            except BaseException as error:  # noqa: BLE001 - reported by the test
                self.raised.append(f"{type(error).__name__}: {error}")
                return
            reason = {101: "Switching Protocols", 400: "Bad Request", 426: "Upgrade Required"}.get(status, "Other")
            head = "".join(f"{k}: {v}\r\n" for k, v in answer.items())
            connection.sendall(f"HTTP/1.1 {status} {reason}\r\n{head}Content-Length: 0\r\n\r\n".encode())
            if status == 101:
                connection.settimeout(5)
                try:
                    connection.recv(1024)  # the client's close frame
                except OSError:
                    pass


def test_validity_is_judged_before_the_version(respond):
    """A request that is not a valid handshake gets 400, whatever version it asks for"""
    status, _ = respond({"Host": "example.com", "Sec-WebSocket-Version": "8"})
    assert status == 400, (f"a request with no Upgrade, Connection or key, asking for version 8, expected 400, "
                           f"got {status}: only a valid handshake for another version gets 426")
