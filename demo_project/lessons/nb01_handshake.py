"""Notebook 01's server: an echo consumer and one that closes with the code it is asked for.

    daphne lessons.nb01_handshake:application

- ``/ws/echo/``: sends every frame straight back (the demo's ``ChatConsumer``);
- ``/ws/close/``: send it ``"close 4001"`` and it closes with code 4001;
  send ``"crash"`` and it raises, so daphne closes with 1011.

No origin check here, so that a hand-written handshake stays short; notebook 09 adds it.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")
django_asgi_app = get_asgi_application()

from channels.generic.websocket import WebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from chat.consumers import ChatConsumer  # noqa: E402


class CloseConsumer(WebsocketConsumer):
    """Closes the connection the way it is told: ``close <code>``, or ``crash`` for an unhandled error."""

    def receive(self, text_data=None, bytes_data=None):
        if text_data == "crash":
            raise RuntimeError("the consumer crashed on purpose")
        command, _, code = (text_data or "").partition(" ")
        if command == "close" and code.isdigit():
            self.close(code=int(code))
        else:
            self.send(text_data="send 'close <code>' or 'crash'")


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(
            [
                path("ws/echo/", ChatConsumer.as_asgi()),
                path("ws/close/", CloseConsumer.as_asgi()),
            ]
        ),
    }
)
