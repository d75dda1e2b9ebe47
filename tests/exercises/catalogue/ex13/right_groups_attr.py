"""ex13 rightful variant: a plain AsyncWebsocketConsumer that sets self.groups, so the base class joins and leaves.
"""

import json

from channels.generic.websocket import AsyncWebsocketConsumer


class TeamConsumer(AsyncWebsocketConsumer):
    async def websocket_connect(self, message):
        self.team = self.scope["url_route"]["kwargs"]["team"]
        self.groups = ["team." + self.team]  # the base class joins these, then calls connect()
        await super().websocket_connect(message)

    async def receive(self, text_data=None, bytes_data=None):
        text = json.loads(text_data)["text"]
        await self.channel_layer.group_send(self.groups[0], {"type": "team.message", "text": text})

    async def team_message(self, event):
        await self.send(text_data=json.dumps({"team": self.team, "text": event["text"]}))
