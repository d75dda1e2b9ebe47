"""ex16 wrong answer: calls content.get() without checking that the JSON is an object, so ["hi"] kills the consumer.

expect: not an object
expect: AttributeError
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
        text = content.get("text")
        if not isinstance(text, str):
            await self.send_json({"error": "send {\"text\": \"...\"}"})
            return
        await self.channel_layer.group_send(self.group, {"type": "relay.message", "text": text})

    async def relay_message(self, event):
        await self.send_json({"from": "a member", "text": event["text"]})

    async def relay_announce(self, event):
        await self.send_json({"from": "the ADMINS", "text": event["text"]})
