"""ex03 wrong answer: never looks at scope["type"], so a lifespan scope is waited on forever.

expect: ignores scope["type"]
"""



async def shout(scope, receive, send):
    """A bare ASGI WebSocket application that shouts every text frame back."""
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
