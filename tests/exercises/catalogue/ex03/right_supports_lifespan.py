"""ex03 rightful variant: speaks the lifespan protocol instead of refusing it, refuses http, closes with a reason.
"""


async def lifespan(receive, send):
    while True:
        event = await receive()
        if event["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif event["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def shout(scope, receive, send):
    if scope["type"] == "lifespan":
        return await lifespan(receive, send)
    if scope["type"] != "websocket":
        raise NotImplementedError(f"unsupported scope type {scope['type']}")
    while (event := await receive())["type"] != "websocket.disconnect":
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif "text" in event and event["text"] is not None:
            await send({"type": "websocket.send", "text": event["text"].upper()})
        else:
            await send({"type": "websocket.close", "code": 4003, "reason": "text only"})
