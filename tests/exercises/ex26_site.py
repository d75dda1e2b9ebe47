"""ex26's servers behind the learner's nginx: the chat's WebSocket routes on daphne, and a strict upstream.

``application`` is what daphne serves: ``/ws/echo/`` sends every message back, ``/ws/whoami/``
says what the consumer's scope holds (``client`` and the request headers), both behind
``AllowedHostsOriginValidator``. A plain HTTP request (a handshake whose ``Upgrade`` was lost
on the way) gets 426 Upgrade Required.

``StrictUpstream`` is a WebSocket server that follows HTTP to the letter where daphne is
lenient: a server MUST ignore ``Upgrade`` in an HTTP/1.0 request (RFC 9110 §7.8), while daphne
re-injects every upgrade request as HTTP/1.1 (daphne/http_protocol.py:138) and so accepts one.
"""

import base64
import hashlib
import json
import socket
import threading

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3


class Echo(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=text_data, bytes_data=bytes_data)


class WhoAmI(AsyncWebsocketConsumer):
    """Sends one JSON message: the scope's client (address, port) and the headers daphne received."""

    async def connect(self):
        await self.accept()
        headers = {name.decode("latin1"): value.decode("latin1") for name, value in self.scope["headers"]}
        await self.send(text_data=json.dumps({"client": list(self.scope["client"]), "headers": headers}))


async def plain_http(scope, receive, send):
    """A plain HTTP request to a WebSocket-only site: 426 Upgrade Required."""
    await send({"type": "http.response.start", "status": 426,
                "headers": [(b"content-type", b"text/plain"), (b"upgrade", b"websocket")]})
    await send({"type": "http.response.body", "body": b"this URL only speaks WebSocket\n"})


application = ProtocolTypeRouter({
    "http": plain_http,
    "websocket": AllowedHostsOriginValidator(URLRouter([
        path("ws/echo/", Echo.as_asgi()),
        path("ws/whoami/", WhoAmI.as_asgi()),
    ])),
})


class StrictUpstream:
    """A WebSocket server on a free 127.0.0.1 port that ignores ``Upgrade`` in an HTTP/1.0 request.

    An HTTP/1.1 handshake gets 101 and then a normal close (1000); anything else is answered as
    plain HTTP: 426 Upgrade Required. ``request_lines`` records each request line received.
    """

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.request_lines: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self):
        self.listener.close()

    def _serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        with conn:
            conn.settimeout(10)
            head = b""
            try:
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                request_line, *lines = head.split(b"\r\n\r\n")[0].decode("latin1").split("\r\n")
                self.request_lines.append(request_line)
                headers = {}
                for line in lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                version = request_line.rsplit(" ", 1)[-1]
                connection = {token.strip().lower() for token in headers.get("connection", "").split(",")}
                if (version == "HTTP/1.1" and headers.get("upgrade", "").lower() == "websocket"
                        and "upgrade" in connection and "sec-websocket-key" in headers):
                    digest = hashlib.sha1((headers["sec-websocket-key"] + WEBSOCKET_GUID).encode()).digest()
                    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 b"Sec-WebSocket-Accept: " + base64.b64encode(digest) + b"\r\n\r\n")
                    conn.sendall(b"\x88\x02\x03\xe8")  # a close frame, code 1000
                    conn.recv(4096)  # the client's close frame
                else:
                    conn.sendall(b"HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\nConnection: close\r\n"
                                 b"Content-Length: 0\r\n\r\n")
            except OSError:
                return
