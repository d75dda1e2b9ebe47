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

import struct


def mask_text_frame(text: str, mask_key: bytes) -> bytes:
    """Return one final (FIN) text frame carrying ``text``, masked with the 4-byte ``mask_key``.

    Use the shortest payload-length form that fits the UTF-8 encoded text.

    >>> mask_text_frame("Hello", bytes([0x37, 0xFA, 0x21, 0x3D])).hex()
    '818537fa213d7f9f4d5158'
    """
    payload = text.encode("utf-8")
    length = len(payload)
    if length <= 125:
        header = struct.pack("!BB", 0x80 | 0x1, 0x80 | length)
    elif length <= 0xFFFF:
        header = struct.pack("!BBH", 0x80 | 0x1, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | 0x1, 0x80 | 127, length)
    masked = bytes(byte ^ mask_key[i % 4] for i, byte in enumerate(payload))
    return header + mask_key + masked


def parse_frame(data: bytes) -> tuple[bool, int, bytes]:
    """Read the one frame at the start of ``data``; return ``(fin, opcode, payload)``.

    The frame may be masked (from a client) or not (from a server); return the payload unmasked.

    >>> parse_frame(bytes.fromhex("810548656c6c6f"))
    (True, 1, b'Hello')
    """
    fin = bool(data[0] & 0x80)
    opcode = data[0] & 0x0F
    masked = bool(data[1] & 0x80)
    length = data[1] & 0x7F
    offset = 2
    if length == 126:
        (length,) = struct.unpack_from("!H", data, offset)
        offset += 2
    elif length == 127:
        (length,) = struct.unpack_from("!Q", data, offset)
        offset += 8
    if masked:
        mask_key = data[offset:offset + 4]
        offset += 4
    payload = data[offset:offset + length]
    if masked:
        payload = bytes(byte ^ mask_key[i % 4] for i, byte in enumerate(payload))
    return fin, opcode, payload
