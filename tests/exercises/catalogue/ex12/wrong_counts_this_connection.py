"""ex12 wrong answer: counts the names this connection joined, not the database's users.

expect: not this connection's
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
        self.names = getattr(self, "names", set())
        if content.get("action") == "join":
            await join(content["name"])
            self.names.add(content["name"])
            await self.send_json({"joined": content["name"], "members": len(self.names)})
        elif content.get("action") == "count":
            await self.send_json({"members": len(self.names)})
