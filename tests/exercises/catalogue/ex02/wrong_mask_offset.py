"""ex02 wrong answer: after a 64-bit length, looks for the masking key 2 bytes in, as after a 16-bit one.

expect: mask offset
"""


CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def read_messages(data: bytes) -> list[tuple[int, bytes]]:
    """Return every complete message in ``data`` as ``(opcode, payload)``, or raise ValueError."""
    messages, started, parts = [], None, []
    offset = 0
    while offset < len(data):
        if len(data) - offset < 2:
            raise ValueError("the data ends inside a frame header")
        first, second = data[offset], data[offset + 1]
        fin, rsv, opcode = bool(first & 0x80), first & 0x70, first & 0x0F
        masked, length = bool(second & 0x80), second & 0x7F
        offset += 2
        if rsv:
            raise ValueError(f"RSV bits {rsv >> 4:03b} are set, but no extension was negotiated")
        if opcode not in (CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG):
            raise ValueError(f"unknown opcode {opcode:#x}")
        extra = {126: 2, 127: 8}.get(length, 0)
        if len(data) - offset < extra + 4 * masked:
            raise ValueError("the data ends inside a frame header")
        if extra:
            length = int.from_bytes(data[offset:offset + extra], "big")
            offset += 2
        key = data[offset:offset + 4] if masked else b""
        offset += 4 * masked
        if len(data) - offset < length:
            raise ValueError(f"the data ends inside a {length}-byte payload")
        payload = data[offset:offset + length]
        offset += length
        if masked:
            payload = bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))
        if opcode >= CLOSE:
            if not fin or length > 125:
                raise ValueError("a control frame must be final and carry at most 125 bytes")
            messages.append((opcode, payload))
            continue
        if opcode == CONTINUATION and started is None:
            raise ValueError("a continuation frame arrived with no message started")
        if opcode != CONTINUATION and started is not None:
            raise ValueError("a new message started before the last one was finished")
        if opcode != CONTINUATION:
            started = opcode
        parts.append(payload)
        if fin:
            messages.append((started, b"".join(parts)))
            started, parts = None, []
    if started is not None:
        raise ValueError("the data ends with a message unfinished")
    return messages
