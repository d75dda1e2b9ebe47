"""ex02: read_messages(data) -> [(opcode, payload), ...], reassembling fragments, or ValueError."""

import os
import socket
import struct
import threading

import pytest
from websockets.frames import Frame, Opcode
from websockets.sync.server import serve

KEY = bytes([0x37, 0xFA, 0x21, 0x3D])  # the masking key of RFC 6455's examples (section 5.7)


def frame(opcode, payload=b"", *, fin=True, mask=None, rsv=0):
    """One frame's bytes, built by hand so that a test can also break the rules."""
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | rsv << 4 | opcode])
    bit = 0x80 if mask else 0
    if n <= 125:
        head += bytes([bit | n])
    elif n <= 0xFFFF:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if mask:
        payload = mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + payload


@pytest.fixture(scope="module")
def read(submission):
    """The learner's read_messages, with its answer checked for shape: a list of (int, bytes)."""
    function = submission("ex02_frames.py").read_messages

    def call(data, valid=True):
        if not valid:
            return function(bytes(data))
        try:
            got = function(bytes(data))
        except ValueError as error:
            pytest.fail(f"read_messages raised ValueError({error}) on a valid stream of {len(data)} bytes: "
                        "is the payload read from the right place (the length bytes, then the mask offset)?",
                        pytrace=False)
        assert isinstance(got, list), f"expected a list of (opcode, payload), got {type(got).__name__}"
        for item in got:
            assert type(item) is tuple and len(item) == 2 and type(item[0]) is int and type(item[1]) is bytes, \
                f"expected each message as a tuple (int opcode, bytes payload), got {item!r}"
        return got

    return call


def show(messages):
    return [(op, p if len(p) <= 12 else f"<{len(p)} bytes>") for op, p in messages]


@pytest.mark.parametrize("hex_stream, want", [
    ("810548656c6c6f", [(1, b"Hello")]),
    ("818537fa213d7f9f4d5158", [(1, b"Hello")]),
    ("8a05" + b"Hello".hex(), [(10, b"Hello")]),
], ids=["unmasked text", "masked text", "pong"])
def test_the_rfc_single_frames(read, hex_stream, want):
    """The single frames of RFC 6455's examples (section 5.7) are one message each"""
    got = read(bytes.fromhex(hex_stream))
    assert got == want, f"for {hex_stream} expected {want!r}, got {show(got)!r}"


def test_a_fragmented_message_is_joined(read):
    """The RFC's fragmented "Hel" + "lo" is one text message "Hello" """
    got = read(bytes.fromhex("010348656c" "80026c6f"))
    assert got == [(1, b"Hello")], (f"expected [(1, b'Hello')], got {show(got)!r}: the first fragment has FIN "
                                    "clear, continuation frames (opcode 0) follow, the one with FIN ends the message")


def test_every_frame_of_the_stream_is_read(read):
    """Every frame in the data is read, not only the first"""
    stream = frame(1, b"one") + frame(2, b"\x00two") + frame(1, b"three", mask=KEY)
    got = read(stream)
    assert got == [(1, b"one"), (2, b"\x00two"), (1, b"three")], f"expected three messages, got {show(got)!r}"


def test_a_ping_between_fragments_is_its_own_message(read):
    """A ping that arrives between two fragments is a message of its own, and does not break the other"""
    stream = frame(1, b"Hel", fin=False) + frame(9, b"are you there?") + frame(0, b"lo")
    got = read(stream)
    want = [(9, b"are you there?"), (1, b"Hello")]
    assert got == want, (f"expected {want!r}, got {show(got)!r}: control frames may come between the "
                         "fragments of a message (RFC 6455 section 5.4)")


@pytest.mark.parametrize("masked", [False, True], ids=["from a server", "from a client"])
def test_every_length_form(read, masked):
    """Payloads in the 7-bit, 16-bit and 64-bit length forms are read in full, masked or not"""
    sizes = (0, 125, 126, 300, 65535, 65536, 70000)
    payloads = [os.urandom(n) for n in sizes]
    stream = b"".join(Frame(Opcode.BINARY, p).serialize(mask=masked) for p in payloads)
    got = read(stream)
    assert [len(p) for _, p in got] == list(sizes), \
        f"expected payloads of {list(sizes)} bytes, got {[len(p) for _, p in got]}"
    for (opcode, payload), want in zip(got, payloads):
        assert (opcode, payload) == (2, want), \
            f"a {len(want)}-byte binary payload came back different (the length bytes, or the mask offset?)"


def test_each_fragment_is_unmasked_with_its_own_key(read):
    """A client masks every fragment with a fresh key: each is unmasked with its own"""
    stream = (frame(2, b"\x01\x02\x03", fin=False, mask=b"abcd") + frame(0, b"\x04\x05", fin=False, mask=b"wxyz")
              + frame(0, b"\x06", mask=KEY))
    got = read(stream)
    assert got == [(2, b"\x01\x02\x03\x04\x05\x06")], f"expected one 6-byte binary message, got {show(got)!r}"


BROKEN = {
    "RSV1 set (a compressed frame, 0xC1)": frame(1, b"Hello", rsv=0b100),
    "RSV2 set": frame(2, b"x", rsv=0b010),
    "RSV3 set": frame(1, b"x", rsv=0b001),
    "a ping of 126 bytes": frame(9, b"p" * 126),
    "a fragmented ping": frame(9, b"p", fin=False) + frame(0, b"q"),
    "a ping with FIN clear, alone": frame(9, b"p", fin=False),
    "a ping with FIN clear, then a text": frame(9, b"p", fin=False) + frame(1, b"Hello"),
    "a continuation with no message started": frame(0, b"lo"),
    "a new text message inside an unfinished one": frame(1, b"Hel", fin=False) + frame(1, b"lo"),
    "opcode 0x3": frame(3, b"x"),
    "data that ends inside a header": frame(1, b"ok") + b"\x81",
    "data that ends inside the extended length": frame(1, b"x" * 300)[:3],
    "data that ends inside the payload": frame(1, b"Hello")[:-2],
    "data that ends inside the masking key": frame(1, b"Hello", mask=KEY)[:4],
    "a message left unfinished": frame(1, b"Hel", fin=False),
}


@pytest.mark.parametrize("stream", BROKEN.values(), ids=BROKEN.keys())
def test_a_stream_that_breaks_the_rules_raises_value_error(read, stream, request):
    """A stream that breaks RFC 6455's framing rules raises ValueError"""
    what = request.node.callspec.id
    try:
        got = read(stream, valid=False)
    except ValueError:
        return
    except Exception as error:  # noqa: BLE001 - which exception is the point
        pytest.fail(f"for {what}: expected ValueError, got {type(error).__name__}: {error}", pytrace=False)
    pytest.fail(f"for {what}: expected ValueError, but read_messages returned {show(got)!r}", pytrace=False)


def test_what_a_real_server_sends(read):
    """What a real websockets server sends (fragments, a ping, 70 000 bytes, its close) reads as its messages"""
    def talk(ws):
        ws.send(["Hel", "lo"])           # one text message in two fragments
        ws.ping(b"ping!")
        ws.send(b"\x00" * 70000)
        ws.close(1000)

    with serve(talk, "127.0.0.1", 0, close_timeout=0.5, ping_interval=None) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n".encode())
            received = b""
            while chunk := client.recv(65536):
                received += chunk
        server.shutdown()
    stream = received.split(b"\r\n\r\n", 1)[1]
    got = read(stream)
    want = [(1, b"Hello"), (9, b"ping!"), (2, b"\x00" * 70000), (8, b"\x03\xe8")]
    assert got == want, f"expected {show(want)}, got {show(got)}"
