"""ex16 wrong answer: spreads the client's JSON into the event and then fixes the type, so its other fields travel along.

expect: the client's field
expect: password
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
        text = content.get("text") if isinstance(content, dict) else None
        if not isinstance(text, str):
            await self.send_json({"error": "send {\"text\": \"...\"}"})
            return
        await self.channel_layer.group_send(self.group, {**content, "type": "relay.message"})

    async def relay_message(self, event):
        await self.send_json({"from": "a member", "text": event["text"]})

    async def relay_announce(self, event):
        await self.send_json({"from": "the ADMINS", "text": event["text"]})
