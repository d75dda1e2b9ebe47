"""ex16 wrong answer: checks only that "text" is present, not that it is a string, so {"text": 42} is relayed.

expect: {'text': 42}
expect: expected {'error'
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class SafeRelay(AsyncJsonWebsocketConsumer):
    group = "relay"

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or "text" not in content:
            await self.send_json({"error": "send {\"text\": \"...\"}"})
            return
        await self.channel_layer.group_send(self.group, {"type": "relay.message", "text": content["text"]})

    async def relay_message(self, event):
        await self.send_json({"from": "a member", "text": event["text"]})

    async def relay_announce(self, event):
        await self.send_json({"from": "the ADMINS", "text": event["text"]})
