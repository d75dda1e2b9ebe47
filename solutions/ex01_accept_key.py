"""ex01 — Compute Sec-WebSocket-Accept from a client's key (notebooks/01_handshake.ipynb).

A server accepts a WebSocket handshake by answering the client's Sec-WebSocket-Key
with Sec-WebSocket-Accept (RFC 6455, section 1.3). Write the function that computes it.

Check your work:  make check EX=ex01   (or check("ex01") at the end of the notebook)
Stuck?            make hint EX=ex01
"""

import base64
import hashlib

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def accept_key(client_key: str) -> str:
    """Return the Sec-WebSocket-Accept value a server sends back for ``client_key``.

    >>> accept_key("dGhlIHNhbXBsZSBub25jZQ==")
    's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
    """
    digest = hashlib.sha1((client_key + WEBSOCKET_GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")
