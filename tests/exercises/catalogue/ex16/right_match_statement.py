"""ex16 rightful variant: a match statement picks the text, the event carries an extra server field (the sender's channel).
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
        match content:
            case {"text": str() as text}:
                await self.channel_layer.group_send(
                    self.group, {"type": "relay.message", "text": text, "sender": self.channel_name})
            case dict():
                await self.send_json({"error": 'a message needs a string "text"', "got": sorted(content)})
            case _:
                await self.send_json({"error": f"expected a JSON object, got {type(content).__name__}"})

    async def relay_message(self, event):
        await self.send_json({"from": "a member", "text": event["text"]})

    async def relay_announce(self, event):
        await self.send_json({"from": "the ADMINS", "text": event["text"]})
