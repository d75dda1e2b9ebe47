"""Consumers for notebook 05: JSON in, JSON out, and what bad input does to them.

Serve them with ``run_daphne("lessons.nb05_json:application")``; the paths are in ``ROUTES``.
"""

import datetime
import decimal
import json

from channels.generic.websocket import JsonWebsocketConsumer
from channels.routing import URLRouter
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import path

from chat.consumers import CommandConsumer

# RFC 6455 has 1003 for "received a type of data it cannot accept", but daphne (through
# autobahn) lets an application close only with 1000 or 3000-4999: 4003 says the same there.
UNSUPPORTED_DATA = 4003


class NaiveJsonConsumer(JsonWebsocketConsumer):
    """Trusts its input: whatever JSON comes in is echoed back inside {"you sent": ...}."""

    def receive_json(self, content, **kwargs):
        self.send_json({"you sent": content})


class PriceConsumer(JsonWebsocketConsumer):
    """Adds up prices: {"prices": [...]} is answered with their total and today's date."""

    today = datetime.date(2026, 11, 24)  # fixed, so that the notebook's output is the same every run

    def receive_json(self, content, **kwargs):
        self.send_json({"total": sum(content["prices"]), "on": self.today})


class ExactPriceConsumer(PriceConsumer):
    """The same, with JSON numbers decoded as Decimal and Django's encoder for Decimal and dates."""

    @classmethod
    def decode_json(cls, text_data):
        return json.loads(text_data, parse_float=decimal.Decimal)

    @classmethod
    def encode_json(cls, content):
        return json.dumps(content, cls=DjangoJSONEncoder)


class GuardedJsonConsumer(JsonWebsocketConsumer):
    """Like NaiveJsonConsumer, but answers bad JSON with {"error": ...} and closes on binary frames."""

    def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            self.close(code=UNSUPPORTED_DATA)  # a binary frame: this protocol speaks text only
            return
        try:
            content = self.decode_json(text_data)
        except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
            self.send_json({"error": f"not JSON ({type(error).__name__}): send a JSON object"})
            return
        if not isinstance(content, dict):
            self.send_json({"error": f"expected a JSON object, got {type(content).__name__}"})
            return
        self.receive_json(content, **kwargs)

    def receive_json(self, content, **kwargs):
        self.send_json({"you sent": content})


class Closes1003Consumer(GuardedJsonConsumer):
    """The same, but closing with the RFC's 1003, which daphne refuses to send for an application."""

    def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            self.close(code=1003)
        else:
            super().receive(text_data, bytes_data, **kwargs)


ROUTES = {
    "ws/naive/": NaiveJsonConsumer,
    "ws/prices/": PriceConsumer,
    "ws/exact-prices/": ExactPriceConsumer,
    "ws/guarded/": GuardedJsonConsumer,
    "ws/closes-1003/": Closes1003Consumer,
    "ws/commands/": CommandConsumer,  # the demo project's command protocol
}

application = URLRouter([path(route, consumer.as_asgi()) for route, consumer in ROUTES.items()])
