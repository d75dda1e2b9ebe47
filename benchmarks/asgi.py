"""What the benchmark's daphne serves: bare consumers under /bare/, the whole demo elsewhere.

The bare consumers do the least a consumer can do (no middleware, no validation), so the
difference between ``/bare/...`` and the demo's own URLs is what the demo's code adds.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

from demo_project.asgi import application as demo_application  # noqa: E402  (sets Django up)

from channels.generic.websocket import AsyncWebsocketConsumer, WebsocketConsumer  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class AsyncEcho(AsyncWebsocketConsumer):
    """Sends every text frame back, from the event loop."""

    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=text_data, bytes_data=bytes_data)


class SyncEcho(WebsocketConsumer):
    """Sends every text frame back, from a worker thread (sync_to_async under the hood)."""

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=text_data, bytes_data=bytes_data)


class BareRoom(AsyncWebsocketConsumer):
    """A room with nothing else: every text frame goes to the group as it is."""

    async def connect(self):
        self.group_name = "bare." + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.group_name, {"type": "room.message", "text": text_data})

    async def room_message(self, event):
        await self.send(text_data=event["text"])

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group_name, self.channel_name)


bare_application = URLRouter([
    path("bare/async/", AsyncEcho.as_asgi()),
    path("bare/sync/", SyncEcho.as_asgi()),
    path("bare/rooms/<slug:room>/", BareRoom.as_asgi()),
])


async def application(scope, receive, send):
    """``/bare/...`` to the bare consumers, everything else to the demo's whole stack."""
    if scope["type"] == "websocket" and scope["path"].startswith("/bare/"):
        return await bare_application(scope, receive, send)
    return await demo_application(scope, receive, send)
