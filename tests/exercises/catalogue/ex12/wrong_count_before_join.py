"""ex12 wrong answer: counts the users before creating the new one.

expect: 'members': 1
"""


from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import User


@database_sync_to_async
def join(name):
    """Create the user ``name`` if it does not exist; return how many users there are."""
    members = User.objects.count()
    User.objects.get_or_create(username=name)
    return members


class MembersConsumer(AsyncJsonWebsocketConsumer):
    """Members are Django users: join adds one, count counts them."""

    async def receive_json(self, content, **kwargs):
        """Answer join and count."""
        if content.get("action") == "join":
            members = await join(content["name"])
            await self.send_json({"joined": content["name"], "members": members})
        elif content.get("action") == "count":
            await self.send_json({"members": await User.objects.acount()})
