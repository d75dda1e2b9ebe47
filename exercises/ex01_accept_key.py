"""ex01 — Answer a client's opening handshake, or refuse it (notebooks/01_handshake.ipynb).

The notebook computed Sec-WebSocket-Accept for one good request. A real server must first
check that the request *is* a WebSocket handshake (RFC 6455, section 4.2.1) and answer with
the right status. Write ``handshake_response(headers)``:

- ``headers`` maps each request header's name to its value, names spelled as the client
  sent them (HTTP header names are case-insensitive: "Upgrade", "upgrade" and "UPGRADE" are
  the same header);
- a valid handshake has a Host header, an Upgrade header whose value is "websocket" (in any
  case), a Connection header listing the token "Upgrade" among its comma-separated tokens
  (in any case), Sec-WebSocket-Version 13, and a Sec-WebSocket-Key that is base64 of exactly
  16 bytes. Answer it with ``(101, {"Upgrade": "websocket", "Connection": "Upgrade",
  "Sec-WebSocket-Accept": <accept value>})``;
- a request that is valid but asks for another Sec-WebSocket-Version gets
  ``(426, {"Sec-WebSocket-Version": "13"})`` (section 4.4: say which version you speak);
- anything else gets ``(400, {})``.

Return the status as an int and the headers as a dict of str to str.

Check your work:  make check EX=ex01   (or check("ex01") at the end of the notebook)
Stuck?            make hint EX=ex01
"""

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def handshake_response(headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Return ``(status, response headers)`` for a client's opening handshake."""
    raise NotImplementedError("ex01 is not solved yet: write handshake_response() in exercises/ex01_accept_key.py")
