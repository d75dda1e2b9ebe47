"""Notebook 11's consumers under test, and an application that serves them with daphne.

- ``LateReplyConsumer``: answers every message, but 0.3 s later;
- ``LobbyConsumer``: joins group ``lobby``, never answers, and notes in ``EVENTS`` what ran;
- ``CalculatorConsumer``: ``{"divide": [a, b]}`` -> ``{"result": a / b}``; b = 0 crashes it;
- ``SignupConsumer``: ``{"register": "alice"}`` creates a user through ``database_sync_to_async``;
- ``UnsafeSignupConsumer``: the same, calling the ORM straight from async code (a pitfall).

    daphne lessons.nb11_consumers:application   # /ws/signup/ and /ws/late/
"""

import asyncio

import django
from django.apps import apps

if not apps.ready:  # daphne imports this module first thing: set Django up, as asgi.py does
    django.setup(set_prefix=False)

from channels.db import database_sync_to_async  # noqa: E402
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

LATE_BY = 0.3  # seconds
EVENTS: list[str] = []  # what LobbyConsumer's handlers did, in order


class LateReplyConsumer(AsyncWebsocketConsumer):
    """Echoes every text message ``LATE_BY`` seconds after it came."""

    async def receive(self, text_data=None, bytes_data=None):
        await asyncio.sleep(LATE_BY)
        await self.send(text_data=f"late: {text_data}")


class LobbyConsumer(AsyncWebsocketConsumer):
    """Joins group ``lobby`` on connect and leaves it on disconnect; answers nothing."""

    async def connect(self):
        await self.channel_layer.group_add("lobby", self.channel_name)
        await self.accept()
        EVENTS.append("connect: joined lobby")

    async def disconnect(self, code):
        await self.channel_layer.group_discard("lobby", self.channel_name)
        EVENTS.append(f"disconnect({code}): left lobby")


class CalculatorConsumer(AsyncJsonWebsocketConsumer):
    """``{"divide": [a, b]}`` -> ``{"result": a / b}``. No error handling, on purpose."""

    async def receive_json(self, content, **kwargs):
        a, b = content["divide"]
        await self.send_json({"result": a / b})


def _register(name):
    """Create user ``name``; return the reply for the client. Runs in a thread (sync ORM)."""
    from django.contrib.auth.models import User

    if User.objects.filter(username=name).exists():
        return {"error": f"{name} is taken"}
    User.objects.create_user(username=name)
    return {"registered": name}


class SignupConsumer(AsyncJsonWebsocketConsumer):
    """``{"register": "alice"}`` -> ``{"registered": "alice"}`` or ``{"error": "alice is taken"}``."""

    async def receive_json(self, content, **kwargs):
        name = content.get("register")
        if not isinstance(name, str) or not name:
            await self.send_json({"error": 'send {"register": "a name"}'})
            return
        # The ORM is synchronous: run it in a worker thread, with connections cleaned up.
        await self.send_json(await database_sync_to_async(_register)(name))


class UnsafeSignupConsumer(AsyncJsonWebsocketConsumer):
    """The pitfall: the same signup, calling the synchronous ORM from async code."""

    async def receive_json(self, content, **kwargs):
        await self.send_json(_register(content["register"]))


application = ProtocolTypeRouter(
    {
        "websocket": AllowedHostsOriginValidator(
            URLRouter(
                [
                    path("ws/signup/", SignupConsumer.as_asgi()),
                    path("ws/late/", LateReplyConsumer.as_asgi()),
                ]
            )
        ),
    }
)
