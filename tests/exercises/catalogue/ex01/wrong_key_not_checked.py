"""ex01 wrong answer: accepts any Sec-WebSocket-Key, without checking it is base64 of 16 bytes.

expect: decode to 16 bytes
"""


import base64
import binascii
import hashlib

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def handshake_response(headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Return ``(status, response headers)`` for a client's opening handshake."""
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    key = lowered.get("sec-websocket-key", "")
    try:
        key_is_valid = bool(key)
    except binascii.Error:
        key_is_valid = False
    tokens = {token.strip().lower() for token in lowered.get("connection", "").split(",")}
    if not ("host" in lowered and lowered.get("upgrade", "").lower() == "websocket"
            and "upgrade" in tokens and key_is_valid):
        return 400, {}
    if lowered.get("sec-websocket-version") != "13":
        return 426, {"Sec-WebSocket-Version": "13"}
    digest = hashlib.sha1((key + WEBSOCKET_GUID).encode("ascii")).digest()
    return 101, {"Upgrade": "websocket", "Connection": "Upgrade",
                 "Sec-WebSocket-Accept": base64.b64encode(digest).decode("ascii")}
