"""ex02 — Turn a stream of frames back into messages (notebooks/01_handshake.ipynb).

The notebook read one frame at a time. What arrives on a socket is a stream of frames, and a
message may be split across several of them (RFC 6455, section 5.4): the first frame carries
the opcode (0x1 text, 0x2 binary) with FIN clear, continuation frames (opcode 0x0) follow, and
the frame with FIN set ends the message. Control frames (0x8 close, 0x9 ping, 0xA pong) are
never fragmented and may arrive *between* the fragments of a message.

Write ``read_messages(data)``: read every frame in ``data`` (masked or not, any of the three
length forms) and return the complete messages in the order they were completed, each as
``(opcode, payload)``: a text or binary message with its opcode and all its fragments' payloads
joined (unmasked), a control frame as its own message. Raise ``ValueError`` (with a message
saying what is wrong) when the stream breaks the rules:

- a frame with any of RSV1, RSV2 or RSV3 set (no extension was negotiated, section 5.2);
- a control frame with FIN clear or a payload over 125 bytes (section 5.5);
- a continuation frame when no message was started, or a new text/binary frame while one is
  still unfinished (section 5.4);
- an opcode that is not one of the six above;
- ``data`` that ends in the middle of a frame, or with a message unfinished.

Check your work:  make check EX=ex02   (or check("ex02") at the end of the notebook)
Stuck?            make hint EX=ex02
"""

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def read_messages(data: bytes) -> list[tuple[int, bytes]]:
    """Return every complete message in ``data`` as ``(opcode, payload)``, or raise ValueError."""
    raise NotImplementedError("ex02 is not solved yet: write read_messages() in exercises/ex02_frames.py")
