"""ex12 rightful variant: Django's async ORM throughout (aget_or_create, acount), no sync_to_async.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import User


class MembersConsumer(AsyncJsonWebsocketConsumer):
    async def receive_json(self, content, **kwargs):
        action = content.get("action")
        if action == "join":
            name = content["name"]
            await User.objects.aget_or_create(username=name)
            await self.send_json({"members": await User.objects.acount(), "joined": name})
        elif action == "count":
            await self.send_json({"members": await User.objects.acount()})
