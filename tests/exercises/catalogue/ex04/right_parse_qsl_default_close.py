"""ex04 rightful variant: parse_qsl, a header spelled Upgrade, and a close without a code (ASGI's default is 1000).
"""

from urllib.parse import parse_qsl


async def ticker(scope, receive, send):
    kind = scope["type"]
    if kind == "http":
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 426, "headers": [(b"Upgrade", b"websocket")]})
        await send({"type": "http.response.body", "body": b"connect with a WebSocket"})
    elif kind == "websocket":
        params = dict(parse_qsl(scope["query_string"].decode()))
        total = int(params.get("count", 3))
        async def push():
            await send({"type": "websocket.accept"})
            for n in range(total):
                await send({"type": "websocket.send", "text": "tick %d" % (n + 1)})
            await send({"type": "websocket.close"})
        while True:
            message = await receive()
            if message["type"] == "websocket.connect":
                await push()
            if message["type"] == "websocket.disconnect":
                break
    else:
        raise RuntimeError("unsupported: " + kind)
