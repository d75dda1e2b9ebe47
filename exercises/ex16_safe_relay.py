"""ex16 — A relay the client cannot steer (notebooks/08_handler_names.ipynb).

``SafeRelay`` is a room: every member of group ``relay`` hears every other member. Its
``relay_announce`` handler is for the server alone. Write ``receive_json`` so that:

- ``{"text": "hi"}`` reaches every member (sender included) as ``{"from": "a member", "text": "hi"}``;
- whatever else the client puts in its JSON (``"type"`` above all) changes nothing: the event
  you send to the group is built by you, with a fixed type, and carries none of the client's
  other fields;
- a message without a string ``"text"``, or JSON that is not an object at all (``["hi"]``,
  ``null``, ``42``), gets ``{"error": "<a sentence>"}`` back, to the sender only, and the
  connection stays open.

Check your work:  make check EX=ex16   (or check("ex16") at the end of the notebook)
Stuck?            make hint EX=ex16
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class SafeRelay(AsyncJsonWebsocketConsumer):
    """Members of group ``relay`` hear each other; only the server may announce."""

    group = "relay"

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Relay content["text"] to the group as a relay.message event; answer bad input with an error."""
        raise NotImplementedError("ex16 is not solved yet: write SafeRelay.receive_json() in exercises/ex16_safe_relay.py")

    async def relay_message(self, event):
        await self.send_json({"from": "a member", "text": event["text"]})

    async def relay_announce(self, event):
        """For the server only (a management command, an admin view)."""
        await self.send_json({"from": "the ADMINS", "text": event["text"]})
