"""Notebook 08: consumers that show how an event's ``type`` picks the method that runs.

- ``TracingConsumer`` records every ``dispatch`` (type -> handler name) and tells the client
  its channel name, so the notebook can send it events from outside;
- ``UnsafeRelayConsumer`` forwards client JSON into ``group_send`` as it is: the client
  chooses the ``type``, so the client chooses which method runs on every member;
- ``SafeRelayConsumer`` builds the event itself: the client only supplies the text.
"""

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer


class TracingConsumer(AsyncJsonWebsocketConsumer):
    """Logs each event it dispatches in ``TracingConsumer.trace`` and has one app handler, ``chat_message``."""

    trace = []

    async def dispatch(self, message):
        try:
            name = get_handler_name(message)
        except ValueError as error:
            name = f"ValueError: {error}"
        self.trace.append((message.get("type"), name))
        await super().dispatch(message)

    async def connect(self):
        await self.accept()
        await self.send_json({"channel_name": self.channel_name})

    async def chat_message(self, event):
        await self.send_json({"chat": event["text"]})


class RelayRoom(AsyncJsonWebsocketConsumer):
    """Members of group ``relay`` hear each other; the server alone may announce."""

    group = "relay"

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def relay_message(self, event):
        await self.send_json({"from": "a member", "text": event["text"]})

    async def relay_announce(self, event):
        """Meant for the server only (for example a management command)."""
        await self.send_json({"from": "the ADMINS", "text": event["text"]})


class UnsafeRelayConsumer(RelayRoom):
    """DO NOT COPY: the client's JSON becomes the event, ``type`` included."""

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send(self.group, {"type": "relay.message", **content})


class SafeRelayConsumer(RelayRoom):
    """The server writes the event: a fixed type, and only the fields it checked."""

    async def receive_json(self, content, **kwargs):
        text = content.get("text")
        if not isinstance(text, str):
            await self.send_json({"error": "send {\"text\": \"...\"}"})
            return
        await self.channel_layer.group_send(self.group, {"type": "relay.message", "text": text})
