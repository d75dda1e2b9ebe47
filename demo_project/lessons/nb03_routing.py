"""Notebook 03's consumers and application: how a connection finds its consumer.

    daphne lessons.nb03_routing:application

- ``WhereAmI``: accepts and sends back, as JSON, the path and what the URL router captured;
- ``UploadConsumer`` + ``ThumbnailWorker``: a WebSocket consumer hands work to a background
  worker on the channel ``"thumbnails"`` (a ``ChannelNameRouter`` route) and relays the answer.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")
django_asgi_app = get_asgi_application()

from channels.consumer import AsyncConsumer  # noqa: E402
from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path, re_path  # noqa: E402


class WhereAmI(AsyncJsonWebsocketConsumer):
    """Tells the client which path it asked for and what the router captured from it."""

    async def connect(self):
        await self.accept()
        route = self.scope["url_route"]
        await self.send_json({"path": self.scope["path"], "args": list(route["args"]), "kwargs": route["kwargs"]})


class UploadConsumer(AsyncJsonWebsocketConsumer):
    """``{"image": "cat.png"}`` -> asks the thumbnail worker, then tells the client what it made."""

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.send(
            "thumbnails", {"type": "thumbnail.make", "image": content["image"], "reply_to": self.channel_name}
        )

    async def thumbnail_done(self, event):
        await self.send_json({"thumbnail": event["thumbnail"]})


class ThumbnailWorker(AsyncConsumer):
    """A background consumer: no client, no socket; it only receives messages sent to its channel."""

    async def thumbnail_make(self, message):
        name, _, extension = message["image"].rpartition(".")
        await self.channel_layer.send(
            message["reply_to"], {"type": "thumbnail.done", "thumbnail": f"{name}.thumb.{extension}"}
        )


room_routes = URLRouter(
    [
        path("members/<int:user_id>/", WhereAmI.as_asgi()),
        path("", WhereAmI.as_asgi()),
    ]
)

websocket_routes = URLRouter(
    [
        path("ws/rooms/<slug:room>/", room_routes),
        re_path(r"^ws/archive/(?P<year>[0-9]{4})/$", WhereAmI.as_asgi()),
        path("ws/upload/", UploadConsumer.as_asgi()),
    ]
)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": websocket_routes,
        "channel": ChannelNameRouter({"thumbnails": ThumbnailWorker.as_asgi()}),
    }
)
