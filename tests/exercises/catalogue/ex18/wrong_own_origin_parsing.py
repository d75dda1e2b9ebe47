"""ex18 wrong answer: parses the Origin header itself with startswith, so a look-alike host gets through.

expect: 127.0.0.1.evil.example
expect: to be refused
"""

from channels.auth import AuthMiddlewareStack
from django.conf import settings


def protect(inner):
    stack = AuthMiddlewareStack(inner)
    hosts = list(settings.ALLOWED_HOSTS)

    async def app(scope, receive, send):
        origin = dict(scope["headers"]).get(b"origin", b"").decode()
        if not any(origin.startswith(f"{scheme}://{host}") for host in hosts for scheme in ("http", "https")):
            await receive()  # websocket.connect
            await send({"type": "websocket.close"})
            return
        return await stack(scope, receive, send)
    return app
