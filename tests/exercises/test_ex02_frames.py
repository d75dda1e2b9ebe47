"""ex02: mask_text_frame(text, mask_key) -> bytes and parse_frame(data) -> (fin, opcode, payload)."""

import socket
import threading

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader
from websockets.sync.server import serve

MASK = bytes([0x37, 0xFA, 0x21, 0x3D])  # the masking key of RFC 6455's examples (section 5.7)


@pytest.fixture(scope="module")
def ex02(submission):
    return submission("ex02_frames.py")


def parsed_by_websockets(data, *, from_client):
    """Parse one frame with the websockets library's own parser (which checks every rule)."""
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=from_client)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("the frame is shorter than its header says")


def test_rfc_masked_hello(ex02):
    """mask_text_frame("Hello", key) gives RFC 6455's masked "Hello" frame byte for byte"""
    got = ex02.mask_text_frame("Hello", MASK)
    want = bytes.fromhex("818537fa213d7f9f4d5158")
    assert got == want, f"expected {want.hex()}, got {got.hex() if isinstance(got, bytes) else got!r}"


LENGTH_FORMS = [(0, "no"), (125, "no"), (126, "2"), (65535, "2"), (65536, "8"), (70000, "8")]


def test_every_length_form_is_a_valid_client_frame(ex02):
    """Payloads of 0–125 bytes use the short length, up to 65535 the 2-byte form, larger the 8-byte form"""
    for size, length_bytes in LENGTH_FORMS:
        text = "x" * size
        got = ex02.mask_text_frame(text, MASK)
        assert isinstance(got, bytes), f"expected bytes, got {type(got).__name__}"
        header = {"no": 2, "2": 4, "8": 10}[length_bytes] + 4
        assert len(got) == header + size, (
            f"a {size}-byte payload needs a {header}-byte header ({length_bytes} extra length bytes, "
            f"4 mask bytes): expected {header + size} bytes in all, got {len(got)}")
        frame = parsed_by_websockets(got, from_client=True)
        assert (frame.fin, frame.opcode, frame.data) == (True, Opcode.TEXT, text.encode()), (
            f"expected a final text frame of {size} bytes, got fin={frame.fin} opcode={frame.opcode!r} "
            f"and {len(frame.data)} bytes")


def test_length_counts_utf8_bytes_not_characters(ex02):
    """The length is of the UTF-8 bytes: "你好" is 6 bytes"""
    got = ex02.mask_text_frame("你好", MASK)
    assert got[1] == 0x80 | 6, f"expected second byte 0x86 (mask bit + 6), got {got[1]:#04x}"
    assert parsed_by_websockets(got, from_client=True).data.decode() == "你好"


@pytest.mark.parametrize("hex_frame, want", [
    ("810548656c6c6f", (True, 1, b"Hello")),                          # RFC: unmasked text
    ("818537fa213d7f9f4d5158", (True, 1, b"Hello")),                   # RFC: masked text
    ("010348656c", (False, 1, b"Hel")),                                # RFC: first fragment, FIN clear
    ("8903" + b"hey".hex(), (True, 9, b"hey")),                        # a ping
    ("880203e8", (True, 8, b"\x03\xe8")),                              # a close frame, code 1000
], ids=["unmasked", "masked", "fragment", "ping", "close"])
def test_parse_short_frames(ex02, hex_frame, want):
    """parse_frame reads FIN, the opcode and the (unmasked) payload of short frames"""
    got = ex02.parse_frame(bytes.fromhex(hex_frame))
    assert tuple(got) == want, f"for {hex_frame} expected {want!r}, got {got!r}"


@pytest.mark.parametrize("masked", [False, True], ids=["from a server", "from a client"])
def test_parse_long_frames(ex02, masked):
    """parse_frame reads the 2-byte and 8-byte length forms, masked or not"""
    for size in (126, 300, 65535, 65536, 70000):
        payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
        data = Frame(Opcode.BINARY, payload).serialize(mask=masked) + b"next frame"
        fin, opcode, got = ex02.parse_frame(data)
        assert (fin, opcode) == (True, 2), f"expected (True, 2), got {(fin, opcode)!r}"
        assert got == payload, f"expected the {size}-byte payload back, got {len(got)} bytes" + (
            "" if len(got) != size else " that differ (unmasked with the right key?)")


def test_a_real_server_echoes_your_frames(ex02):
    """A real websockets server reads your frames and your parser reads its replies"""
    with serve(lambda ws: [ws.send(message) for message in ws], "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n".encode())
            buffer = b""
            while b"\r\n\r\n" not in buffer:
                buffer += client.recv(4096)
            assert buffer.startswith(b"HTTP/1.1 101"), buffer[:40]
            buffer = buffer.split(b"\r\n\r\n", 1)[1]
            for text in ["hi", "é" * 100, "z" * 70000]:
                client.sendall(ex02.mask_text_frame(text, MASK))
                expected_size = len(Frame(Opcode.TEXT, text.encode()).serialize(mask=False))
                while len(buffer) < expected_size:
                    chunk = client.recv(65536)
                    assert chunk, f"the server closed the connection after your {len(text.encode())}-byte frame"
                    buffer += chunk
                got = ex02.parse_frame(buffer[:expected_size])
                buffer = buffer[expected_size:]
                assert tuple(got) == (True, 1, text.encode()), (
                    f"expected the server to echo your {len(text.encode())}-byte text, "
                    f"got {got[:2]!r} with {len(got[2])} bytes")
        server.shutdown()
