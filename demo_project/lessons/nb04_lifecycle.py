"""Consumers for notebook 04: one WebsocketConsumer per lifecycle idea.

Serve them with ``run_daphne("lessons.nb04_lifecycle:application")``; the paths are in ``ROUTES``.
"""

from channels.exceptions import AcceptConnection, DenyConnection
from channels.generic.websocket import WebsocketConsumer
from channels.routing import URLRouter
from django.urls import path

TRACE = []  # what TracedConsumer saw, in order (one process, one list)


class TracedConsumer(WebsocketConsumer):
    """Records each lifecycle method as it runs; echoes text and bytes; "bye" closes with 4000."""

    def websocket_connect(self, message):
        TRACE.append(f"websocket_connect {message}")
        super().websocket_connect(message)

    def connect(self):
        TRACE.append("connect")
        self.accept()

    def receive(self, text_data=None, bytes_data=None):
        TRACE.append(f"receive text={text_data!r} bytes={bytes_data!r}")
        if text_data == "bye":
            self.close(code=4000, reason="you said bye")
        else:
            self.send(text_data=text_data, bytes_data=bytes_data)

    def disconnect(self, code):
        TRACE.append(f"disconnect code={code}")


class MembersOnlyConsumer(WebsocketConsumer):
    """Accepts only connections whose query string is ``?ticket=yes``; closes the others before accepting."""

    def connect(self):
        if self.scope["query_string"] == b"ticket=yes":
            self.accept()
        else:
            self.close()


class ExceptionsConsumer(WebsocketConsumer):
    """Accepts or denies by raising: ``?ticket=yes`` raises AcceptConnection, anything else DenyConnection."""

    def connect(self):
        if self.scope["query_string"] == b"ticket=yes":
            raise AcceptConnection
        raise DenyConnection


class SubprotocolConsumer(WebsocketConsumer):
    """Picks ``chat.v2`` or ``chat.v1`` from the client's offer and adds a response header."""

    SUPPORTED = ("chat.v2", "chat.v1")  # best first

    def connect(self):
        offered = self.scope["subprotocols"]
        chosen = next((p for p in self.SUPPORTED if p in offered), None)
        self.accept(subprotocol=chosen, headers=[(b"x-chat-server", b"channels-lab")])

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=f"speaking {self.scope['subprotocols']}")


class GroupByAttributeConsumer(WebsocketConsumer):
    """Joins group "news" through the ``groups`` attribute; group events become text frames."""

    groups = ["news"]

    def news_flash(self, event):
        self.send(text_data=event["text"])


class OverridesWebsocketConnect(GroupByAttributeConsumer):
    """The origin article's pattern: overriding websocket_connect replaces the group joining too."""

    def websocket_connect(self, message):
        self.accept()


class OverridesConnect(GroupByAttributeConsumer):
    """Overriding connect() instead: the base websocket_connect joins the groups first."""

    def connect(self):
        self.accept()


class LastWordConsumer(WebsocketConsumer):
    """Answers one frame and closes in the same call: ``send(..., close=True)``."""

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data="that's all, goodbye", close=True)


class KindConsumer(WebsocketConsumer):
    """Says which kind of frame arrived: text (str) or bytes."""

    def receive(self, text_data=None, bytes_data=None):
        if text_data is not None:
            self.send(text_data=f"text frame, {len(text_data)} characters")
        else:
            self.send(bytes_data=b"bytes frame, %d bytes" % len(bytes_data))


class ForgetsStopConsumer(WebsocketConsumer):
    """Overrides websocket_disconnect and forgets to raise StopConsumer: the instance never ends."""

    def websocket_disconnect(self, message):
        self.disconnect(message["code"])


ROUTES = {
    "ws/traced/": TracedConsumer,
    "ws/members/": MembersOnlyConsumer,
    "ws/exceptions/": ExceptionsConsumer,
    "ws/subprotocols/": SubprotocolConsumer,
    "ws/last-word/": LastWordConsumer,
    "ws/kind/": KindConsumer,
}

application = URLRouter([path(route, consumer.as_asgi()) for route, consumer in ROUTES.items()])
