"""ex03 wrong answer: closes with 1003 (RFC 6455's unsupported data) instead of the 4003 asked for.

expect: code 4003
"""



async def shout(scope, receive, send):
    """A bare ASGI WebSocket application that shouts every text frame back."""
    if scope["type"] != "websocket":
        raise ValueError(f"shout serves WebSocket connections only, not {scope['type']!r}")
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            if event.get("text") is not None:
                await send({"type": "websocket.send", "text": event["text"].upper()})
            else:
                await send({"type": "websocket.close", "code": 1003})
        elif event["type"] == "websocket.disconnect":
            return
