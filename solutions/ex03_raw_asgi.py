"""ex03 — A WebSocket app in bare ASGI, without Channels (notebooks/02_asgi_vs_wsgi.ipynb).

Write ``shout(scope, receive, send)``, an ASGI application for ``websocket`` scopes that:

- accepts the connection when it receives ``websocket.connect``;
- answers every text frame with the same text in upper case (``"hi"`` -> ``"HI"``);
- closes with code 4003 when it receives a binary frame (this app takes text only);
- returns when it receives ``websocket.disconnect``.

Check your work:  make check EX=ex03   (or check("ex03") at the end of the notebook)
Stuck?            make hint EX=ex03
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
