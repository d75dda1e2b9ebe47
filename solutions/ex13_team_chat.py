"""ex13 — A team chat on groups (notebooks/07_channel_layers.ipynb).

Write ``TeamConsumer``, served at ``/ws/teams/<team>/`` (the URL gives
``self.scope["url_route"]["kwargs"]["team"]``):

- on connect: join the group ``team.<team>`` (for example ``team.red``), then accept;
- on ``{"text": "..."}`` from the client: ``group_send`` to that group an event
  ``{"type": "team.message", "text": "..."}``;
- on a ``team.message`` event (from any member, or from code outside a consumer): send the
  client ``{"team": "<team>", "text": "..."}``;
- on disconnect: leave the group, so it never sends to a connection that is gone.

Check your work:  make check EX=ex13   (or check("ex13") at the end of the notebook)
Stuck?            make hint EX=ex13
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class TeamConsumer(AsyncJsonWebsocketConsumer):
    """Everyone connected to /ws/teams/<team>/ hears every member of the same team."""

    async def connect(self):
        """Join the group team.<team>, then accept."""
        self.team = self.scope["url_route"]["kwargs"]["team"]
        self.group_name = f"team.{self.team}"
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def receive_json(self, content, **kwargs):
        """Send {"type": "team.message", "text": ...} to the team's group."""
        await self.channel_layer.group_send(self.group_name, {"type": "team.message", "text": content["text"]})

    async def team_message(self, event):
        """Deliver a team.message event to this client as {"team": ..., "text": ...}."""
        await self.send_json({"team": self.team, "text": event["text"]})

    async def disconnect(self, code):
        """Leave the team's group."""
        await self.channel_layer.group_discard(self.group_name, self.channel_name)
