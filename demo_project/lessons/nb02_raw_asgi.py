"""Notebook 02's servers: ASGI applications written by hand, without Django or Channels.

    daphne lessons.nb02_raw_asgi:echo      # a WebSocket echo that prints every ASGI event
    daphne lessons.nb02_raw_asgi:counter   # holds connections open and says how many are open

Each line ``echo`` prints starts with ``ASGI``, so the notebook can pick them out of daphne's output.
"""

import json

open_connections = 0


def log(direction, message):
    """Print one ASGI message on one line, keys sorted, so the notebook can show it."""
    print(f"ASGI {direction} {json.dumps(message, sort_keys=True, default=repr)}", flush=True)


async def echo(scope, receive, send):
    """Accept, send every text frame back, close when the client says "bye"."""
    if scope["type"] != "websocket":
        return  # daphne sends only http and websocket; this app ignores HTTP
    log("scope", {key: scope[key] for key in ("type", "path", "query_string", "subprotocols")})

    async def send_logged(message):
        log("send   ->", message)
        await send(message)

    while True:
        event = await receive()
        log("receive <-", event)
        if event["type"] == "websocket.connect":
            await send_logged({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            if event.get("text") == "bye":
                await send_logged({"type": "websocket.close", "code": 1000})
            else:
                await send_logged({"type": "websocket.send", "text": event.get("text")})
        elif event["type"] == "websocket.disconnect":
            return


async def counter(scope, receive, send):
    """Keep every connection open; any text frame is answered with how many are open right now."""
    global open_connections
    if scope["type"] != "websocket":
        return
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            open_connections += 1
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": str(open_connections)})
        elif event["type"] == "websocket.disconnect":
            open_connections -= 1
            return


async def forgets_to_accept(scope, receive, send):
    """A broken app: it reads events but never answers websocket.connect."""
    if scope["type"] != "websocket":
        return
    while (await receive())["type"] != "websocket.disconnect":
        pass


async def refuses(scope, receive, send):
    """Refuses every WebSocket: websocket.close before websocket.accept."""
    if scope["type"] != "websocket":
        return
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.close"})
        elif event["type"] == "websocket.disconnect":
            return


async def gate(scope, receive, send):
    """``/refuse/`` refuses the connection; any other path never answers it."""
    app = refuses if scope.get("path") == "/refuse/" else forgets_to_accept
    await app(scope, receive, send)
