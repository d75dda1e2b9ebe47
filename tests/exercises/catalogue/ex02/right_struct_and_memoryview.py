"""ex02 rightful variant: struct and a memoryview, a table of handlers, different error wording.
"""

import struct

CONTROL = {0x8, 0x9, 0xA}
DATA = {0x1, 0x2}


class Stream:
    def __init__(self, data):
        self.view, self.pos = memoryview(data), 0

    def take(self, n):
        if self.pos + n > len(self.view):
            raise ValueError("truncated frame")
        chunk = self.view[self.pos:self.pos + n].tobytes()
        self.pos += n
        return chunk

    def done(self):
        return self.pos >= len(self.view)


def read_messages(data):
    stream, out, current = Stream(data), [], None
    while not stream.done():
        b0, b1 = struct.unpack("!BB", stream.take(2))
        if b0 & 0b0111_0000:
            raise ValueError("reserved bits used without an extension")
        fin, op, size = b0 >> 7, b0 & 0xF, b1 & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", stream.take(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", stream.take(8))
        mask = stream.take(4) if b1 >> 7 else None
        body = stream.take(size)
        if mask:
            body = bytes(c ^ mask[i & 3] for i, c in enumerate(body))
        if op in CONTROL:
            if not fin or size > 125:
                raise ValueError("bad control frame")
            out.append((op, body))
        elif op in DATA:
            if current is not None:
                raise ValueError("interleaved data messages")
            current = [op, body]
            if fin:
                out.append((current[0], current[1]))
                current = None
        elif op == 0:
            if current is None:
                raise ValueError("orphan continuation")
            current[1] += body
            if fin:
                out.append((current[0], current[1]))
                current = None
        else:
            raise ValueError("reserved opcode")
    if current is not None:
        raise ValueError("unfinished message")
    return out
