"""ex13 rightful variant: a synchronous JsonWebsocketConsumer with async_to_sync around the layer calls.
"""

from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer


class TeamConsumer(JsonWebsocketConsumer):
    def connect(self):
        self.team = self.scope["url_route"]["kwargs"]["team"]
        async_to_sync(self.channel_layer.group_add)("team." + self.team, self.channel_name)
        self.accept()

    def disconnect(self, code):
        async_to_sync(self.channel_layer.group_discard)("team." + self.team, self.channel_name)

    def receive_json(self, content, **kwargs):
        async_to_sync(self.channel_layer.group_send)("team." + self.team, {"type": "team.message", "text": content["text"]})

    def team_message(self, event):
        self.send_json({"text": event["text"], "team": self.team})
