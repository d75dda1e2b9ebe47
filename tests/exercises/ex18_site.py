"""ex18's test site: Django's HTTP pages (the demo's login form) and ``protect()``-ed WebSocket routes.

``site(protect)`` is what a daphne serves in the real-session test; ``WhoAmI`` says whom the scope names.
"""

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path


class WhoAmI(AsyncWebsocketConsumer):
    """Says who the scope's user is: "anonymous", a username, or "no user in scope"."""

    async def connect(self):
        await self.accept()
        user = self.scope.get("user")
        if user is None:
            await self.send(text_data="no user in scope")
        else:
            await self.send(text_data="anonymous" if user.is_anonymous else user.get_username())


def routes():
    return URLRouter([path("ws/who/", WhoAmI.as_asgi())])


def site(protect):
    """HTTP to Django (login at /accounts/login/), WebSockets to ``protect(routes())``."""
    from django.core.asgi import get_asgi_application

    return ProtocolTypeRouter({"http": get_asgi_application(), "websocket": protect(routes())})
