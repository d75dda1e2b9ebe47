"""ex04 — Push from the server, and tell HTTP clients to upgrade (notebooks/02_asgi_vs_wsgi.ipynb).

Write ``ticker(scope, receive, send)``, one bare ASGI application for two kinds of scope:

- ``websocket``: on ``websocket.connect``, accept, then at once send the text frames
  ``"tick 1"``, ``"tick 2"`` … ``"tick N"`` without waiting for the client, then close with
  code 1000. N comes from the query string (``scope["query_string"]`` is bytes such as
  ``b"count=5"``); without ``count`` it is 3.
- ``http``: read the request (``http.request``), then answer status 426 (Upgrade Required)
  with the header ``upgrade: websocket`` and the body ``b"connect with a WebSocket"``.
- any other type (``lifespan``, say): raise an exception, as ex03 did.

The query string may hold other parameters too (``b"room=lobby&count=2"``).

Check your work:  make check EX=ex04   (or check("ex04") at the end of the notebook)
Stuck?            make hint EX=ex04
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
            await send({"type": "websocket.close", "code": 1000})
        elif event["type"] == "websocket.disconnect":
            return
