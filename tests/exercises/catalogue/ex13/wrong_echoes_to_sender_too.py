"""ex13 wrong answer: sends the message straight back to the sender (as the echo consumer did) and to the group.

expect: heard its own message twice
expect: the group already includes the sender
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
        await self.send_json({"team": self.team, "text": content["text"]})  # show it to the sender at once
        await self.channel_layer.group_send(self.group_name, {"type": "team.message", "text": content["text"]})

    async def team_message(self, event):
        """Deliver a team.message event to this client as {"team": ..., "text": ...}."""
        await self.send_json({"team": self.team, "text": event["text"]})

    async def disconnect(self, code):
        """Leave the team's group."""
        await self.channel_layer.group_discard(self.group_name, self.channel_name)
