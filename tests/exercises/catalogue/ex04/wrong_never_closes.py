"""ex04 wrong answer: pushes the ticks but never closes the connection.

expect: then close
"""


from urllib.parse import parse_qs


async def ticker(scope, receive, send):
    """Push N ticks to a WebSocket client; tell an HTTP client to upgrade."""
    if scope["type"] == "http":
        await receive()
        await send({"type": "http.response.start", "status": 426,
                    "headers": [(b"upgrade", b"websocket"), (b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"connect with a WebSocket"})
        return
    if scope["type"] != "websocket":
        raise ValueError(f"ticker serves http and websocket scopes, not {scope['type']!r}")
    count = int(parse_qs(scope["query_string"].decode()).get("count", ["3"])[0])
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
            for n in range(1, count + 1):
                await send({"type": "websocket.send", "text": f"tick {n}"})
        elif event["type"] == "websocket.disconnect":
            return
