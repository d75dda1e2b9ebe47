"""ex02 — Build and read WebSocket frames by hand (notebooks/01_handshake.ipynb).

After the handshake, every message travels in frames (RFC 6455, section 5.2):

    byte 0: FIN bit (0x80) | opcode (0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xA pong)
    byte 1: MASK bit (0x80) | payload length, in one of three forms:
              0–125          the length itself
              126            then the length in the next 2 bytes (big-endian)
              127            then the length in the next 8 bytes (big-endian)
    then:   the 4-byte masking key, if MASK is set
    then:   the payload; if masked, byte i is XOR-ed with mask_key[i % 4]

Write ``mask_text_frame`` (what a client sends) and ``parse_frame`` (read any one frame).

Check your work:  make check EX=ex02   (or check("ex02") at the end of the notebook)
Stuck?            make hint EX=ex02
"""

import struct  # noqa: F401 - struct.pack("!BBH", ...) and struct.unpack_from may help


def mask_text_frame(text: str, mask_key: bytes) -> bytes:
    """Return one final (FIN) text frame carrying ``text``, masked with the 4-byte ``mask_key``.

    Use the shortest payload-length form that fits the UTF-8 encoded text.

    >>> mask_text_frame("Hello", bytes([0x37, 0xFA, 0x21, 0x3D])).hex()
    '818537fa213d7f9f4d5158'
    """
    raise NotImplementedError("ex02 is not solved yet: write mask_text_frame() in exercises/ex02_frames.py")


def parse_frame(data: bytes) -> tuple[bool, int, bytes]:
    """Read the one frame at the start of ``data``; return ``(fin, opcode, payload)``.

    The frame may be masked (from a client) or not (from a server); return the payload unmasked.

    >>> parse_frame(bytes.fromhex("810548656c6c6f"))
    (True, 1, b'Hello')
    """
    raise NotImplementedError("ex02 is not solved yet: write parse_frame() in exercises/ex02_frames.py")
