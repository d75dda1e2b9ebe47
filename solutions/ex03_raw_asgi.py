"""ex03 — A WebSocket app in bare ASGI, without Channels (notebooks/02_asgi_vs_wsgi.ipynb).

Write ``shout(scope, receive, send)``, an ASGI application that any ASGI server can run
(daphne, uvicorn, hypercorn). A server calls it once per connection with a ``scope`` whose
``"type"`` says what the connection is:

- ``"websocket"``: accept the connection when ``websocket.connect`` arrives; answer every
  text frame with the same text in upper case (``"hi"`` -> ``"HI"``); close with code 4003
  when a binary frame arrives (this app takes text only); return when
  ``websocket.disconnect`` arrives;
- any other type (``"http"``, ``"lifespan"``, or one invented later): this app does not
  support it, so raise an exception at once, before calling ``receive()``. That is what the
  ASGI specification asks of an application for a protocol it does not speak; servers then
  go on without it (uvicorn, for one, sends a ``lifespan`` scope first and waits for it).

Check your work:  make check EX=ex03   (or check("ex03") at the end of the notebook)
Stuck?            make hint EX=ex03
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
                await send({"type": "websocket.close", "code": 4003})
        elif event["type"] == "websocket.disconnect":
            return
