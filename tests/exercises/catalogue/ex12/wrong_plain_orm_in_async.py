"""ex12 wrong answer: calls the ORM directly inside async def.

expect: SynchronousOnlyOperation
"""


from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import User


@database_sync_to_async
def join(name):
    """Create the user ``name`` if it does not exist; return how many users there are."""
    User.objects.get_or_create(username=name)
    return User.objects.count()


class MembersConsumer(AsyncJsonWebsocketConsumer):
    """Members are Django users: join adds one, count counts them."""

    async def receive_json(self, content, **kwargs):
        """Answer join and count."""
        if content.get("action") == "join":
            members = await join(content["name"])
            await self.send_json({"joined": content["name"], "members": members})
        elif content.get("action") == "count":
            await self.send_json({"members": User.objects.count()})
