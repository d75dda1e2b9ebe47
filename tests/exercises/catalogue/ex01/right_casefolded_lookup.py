"""ex01 rightful variant: a small case-insensitive lookup instead of a lowered dict; lowercase header names out.
"""

import base64
import binascii
from hashlib import sha1

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def header(headers, wanted):
    for name, value in headers.items():
        if name.casefold() == wanted.casefold():
            return value.strip()
    return None


def handshake_response(headers):
    key = header(headers, "Sec-WebSocket-Key") or ""
    try:
        raw = base64.b64decode(key.encode(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    connection = [t.strip().casefold() for t in (header(headers, "Connection") or "").split(",")]
    upgrade = (header(headers, "Upgrade") or "").casefold()
    if header(headers, "Host") is None or upgrade != "websocket" or "upgrade" not in connection or len(raw) != 16:
        return (400, {})
    if header(headers, "Sec-WebSocket-Version") != "13":
        return (426, {"sec-websocket-version": "13"})
    accept = base64.b64encode(sha1(f"{key}{WEBSOCKET_GUID}".encode()).digest()).decode()
    return (101, {"upgrade": "websocket", "connection": "upgrade", "sec-websocket-accept": accept})
