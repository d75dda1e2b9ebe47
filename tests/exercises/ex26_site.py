"""ex26's servers behind the learner's nginx: the chat on daphne, at the paths its router knows, and a strict upstream.

``application`` is what daphne serves, as if at the root of its own site: the chat's page at
``/``, and behind ``AllowedHostsOriginValidator`` the WebSocket routes ``/ws/echo/`` (sends every
message back) and ``/ws/whoami/`` (says what the consumer's scope holds: ``path``, ``client`` and
the request headers). A WebSocket to any other path is accepted and told ``{"lost": path}`` (then
nothing more), so that a test can say which path daphne's router saw. A plain HTTP request
to a ``/ws/`` path (a handshake whose ``Upgrade`` was lost on the way) gets 426 Upgrade Required;
one to another path than ``/`` gets 404; daphne's HTTP answers name the path and the client it saw
(``X-Daphne-Path``, ``X-Daphne-Client``).

``StrictUpstream`` is a WebSocket server stricter than daphne where the HTTP version is
concerned: the ``websockets`` library's, which refuses a handshake sent as HTTP/1.0 (RFC 9110
§7.8: a server MUST ignore ``Upgrade`` in an HTTP/1.0 request), while daphne re-injects every
upgrade request as HTTP/1.1 (daphne/http_protocol.py:139) and so accepts one.
"""

import json
import threading

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path, re_path

PAGE = b"<!doctype html><title>chat</title><h1>The chat</h1>\n"


class Echo(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=text_data, bytes_data=bytes_data)


class WhoAmI(AsyncWebsocketConsumer):
    """Sends one JSON message: the scope's path, client (address, port) and the headers daphne received."""

    async def connect(self):
        await self.accept()
        headers = {name.decode("latin1"): value.decode("latin1") for name, value in self.scope["headers"]}
        await self.send(text_data=json.dumps({"path": self.scope["path"], "client": list(self.scope["client"]),
                                              "headers": headers}))


class Lost(AsyncWebsocketConsumer):
    """A WebSocket to a path no route knows: says ``{"lost": path}``, then stays open and answers nothing."""

    async def connect(self):
        await self.accept()
        await self.send(text_data=json.dumps({"lost": self.scope["path"]}))


async def plain_http(scope, receive, send):
    """The page at ``/``; 426 Upgrade Required at a ``/ws/`` path; 404 elsewhere.

    Each answer says what daphne saw: the path (X-Daphne-Path), the client (X-Daphne-Client,
    ``address:port``, which --proxy-headers takes from X-Forwarded-For/-Port, daphne/http_protocol.py:93)
    and those two headers as daphne received them (X-Daphne-Received-X-Forwarded-For, -Port).
    """
    where = scope["path"]
    if where == "/":
        status, headers, body = 200, [(b"content-type", b"text/html")], PAGE
    elif where.startswith("/ws/"):
        status, headers, body = 426, [(b"content-type", b"text/plain"), (b"upgrade", b"websocket")], \
            b"this URL only speaks WebSocket\n"
    else:
        status, headers, body = 404, [(b"content-type", b"text/plain")], b"daphne has no page at this path\n"
    received = dict(scope["headers"])
    headers += [(b"x-daphne-path", where.encode("latin1")),
                (b"x-daphne-client", ":".join(map(str, scope["client"])).encode("latin1"))]
    headers += [(b"x-daphne-received-" + name, received[name]) for name in (b"x-forwarded-for", b"x-forwarded-port")
                if name in received]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


application = ProtocolTypeRouter({
    "http": plain_http,
    "websocket": AllowedHostsOriginValidator(URLRouter([
        path("ws/echo/", Echo.as_asgi()),
        path("ws/whoami/", WhoAmI.as_asgi()),
        re_path(r"", Lost.as_asgi()),
    ])),
})


class StrictUpstream:
    """The ``websockets`` library's own server, echoing, on a free 127.0.0.1 port, in a thread.

    It pings each connection every ``ping_interval`` seconds from the handshake (websockets'
    keepalive), where daphne pings only at its 2 s checks.

    It holds to RFC 6455 §4.1 (the handshake is an HTTP/1.1 request): a request in HTTP/1.0 gets
    505 HTTP Version Not Supported (websockets/server.py:170-178 and 255-257), where daphne
    re-injects every upgrade request as HTTP/1.1 (daphne/http_protocol.py:139) and accepts it.
    """

    def __init__(self, ping_interval: float | None = 20):
        from websockets.sync.server import serve

        self.server = serve(self._echo, "127.0.0.1", 0, compression=None, ping_interval=ping_interval)
        self.port = self.server.socket.getsockname()[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def _echo(websocket):
        for message in websocket:
            websocket.send(message)

    def close(self):
        self.server.shutdown()
