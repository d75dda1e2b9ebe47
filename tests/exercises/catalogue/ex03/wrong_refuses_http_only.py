"""ex03 wrong answer: refuses http scopes but not lifespan, which uvicorn sends first.

expect: lifespan
"""



async def shout(scope, receive, send):
    """A bare ASGI WebSocket application that shouts every text frame back."""
    if scope["type"] == "http":
        raise ValueError("no HTTP here")
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            if event.get("text") is not None:
                await send({"type": "websocket.send", "text": event["text"].upper()})
            else:
                await send({"type": "websocket.close", "code": 4003})
        elif event["type"] == "websocket.disconnect":
            return
