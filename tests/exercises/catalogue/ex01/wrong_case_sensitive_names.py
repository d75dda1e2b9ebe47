"""ex01 wrong answer: looks header names up as the RFC spells them, so lowercase names are missed.

expect: case-insensitive
"""


import base64
import binascii
import hashlib

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def handshake_response(headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Return ``(status, response headers)`` for a client's opening handshake."""
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    lowered = {name: headers[name].strip() for name in
               ('Host', 'Upgrade', 'Connection', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version') if name in headers}
    lowered = {name.lower(): value for name, value in lowered.items()}
    key = lowered.get("sec-websocket-key", "")
    try:
        key_is_valid = len(base64.b64decode(key, validate=True)) == 16
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
