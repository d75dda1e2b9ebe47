"""Notebook 09: the demo's application plus two lesson routes, served by daphne.

- ``/ws/account/``: ``AccountConsumer`` answers ``whoami``, ``login`` and ``logout`` (Channels'
  ``login()``/``logout()`` inside a consumer, then ``scope["session"].save()``);
- ``/ws/refuse-early/``: closes before ``accept()``, so the client gets HTTP 403 and no code;
- ``/unguarded/...``: the same WebSocket routes *without* an origin check (do not do this),
  to show cross-site WebSocket hijacking.

Serve with ``run_daphne("lessons.nb09_account:application", env={"DEMO_DATABASE": path})``.
"""

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack, login, logout  # noqa: E402
from channels.db import database_sync_to_async  # noqa: E402
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.contrib.auth import authenticate  # noqa: E402
from django.urls import path  # noqa: E402

from chat.routing import websocket_urlpatterns  # noqa: E402


class AccountConsumer(AsyncJsonWebsocketConsumer):
    """``{"action": "whoami" | "login" | "logout", ...}``; every reply says who the scope's user is."""

    async def receive_json(self, content, **kwargs):
        action = content.get("action")
        if action == "login":
            user = await database_sync_to_async(authenticate)(
                username=content.get("username"), password=content.get("password"))
            if user is None:
                await self.send_json({"error": "wrong username or password"})
                return
            await login(self.scope, user)  # sets scope["user"], writes the user into the session
            await database_sync_to_async(self.scope["session"].save)()  # the session row in the database
        elif action == "logout":
            await logout(self.scope)  # flushes the session: its cookie stops working everywhere
        await self.send_json({"user": self.who()})

    def who(self):
        user = self.scope["user"]
        return user.get_username() if user.is_authenticated else "anonymous"


class RefuseEarlyConsumer(AsyncWebsocketConsumer):
    """Closes in connect() before accepting: the handshake fails with HTTP 403."""

    async def connect(self):
        await self.close(code=4401)  # the code cannot reach the client: there is no WebSocket yet


routes = [
    *websocket_urlpatterns,
    path("ws/account/", AccountConsumer.as_asgi()),
    path("ws/refuse-early/", RefuseEarlyConsumer.as_asgi()),
]
guarded = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(routes)))
unguarded = AuthMiddlewareStack(URLRouter([path("unguarded/", URLRouter(routes))]))


async def websocket(scope, receive, send):
    """Paths under /unguarded/ skip the origin check; everything else is checked as in the demo."""
    app = unguarded if scope["path"].startswith("/unguarded/") else guarded
    return await app(scope, receive, send)


application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket})
