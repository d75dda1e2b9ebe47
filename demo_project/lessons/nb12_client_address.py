"""Notebook 12: a consumer that tells each client what daphne put in its scope.

    daphne [--proxy-headers] lessons.nb12_client_address:application

- ``/whoami/`` sends ``{"client": [host, port], "scheme": ...}`` and closes, so a cell can see
  whether daphne believed a proxy's X-Forwarded-For header (``scheme`` is ``null`` when the
  scope has none: daphne 4.2 puts no ``scheme`` in a WebSocket scope, forwarded or not);
- ``/echo/`` sends every frame back (the demo's ``ChatConsumer``), without an origin check.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")
django_asgi_app = get_asgi_application()

from channels.generic.websocket import JsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from chat.consumers import ChatConsumer  # noqa: E402


class WhoAmI(JsonWebsocketConsumer):
    """Sends the client address (and the scheme, if any) from its scope, then closes."""

    def connect(self):
        self.accept()
        self.send_json({"client": list(self.scope["client"]), "scheme": self.scope.get("scheme")})
        self.close()


application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": URLRouter([
        path("whoami/", WhoAmI.as_asgi()),
        path("echo/", ChatConsumer.as_asgi()),
    ]),
})
