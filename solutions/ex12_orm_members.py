"""ex12 — The ORM from an async consumer (notebooks/06_async_consumers.ipynb).

Write ``MembersConsumer``, an ``AsyncJsonWebsocketConsumer`` whose members are Django users
(``django.contrib.auth.models.User``):

- ``{"action": "join", "name": "ada"}``: make sure a user with username ``ada`` exists
  (create it the first time, reuse it after) and reply ``{"joined": "ada", "members": N}``,
  where N is the number of users now;
- ``{"action": "count"}``: reply ``{"members": N}``.

A plain ORM call inside ``async def`` raises ``SynchronousOnlyOperation``: use
``database_sync_to_async`` (from ``channels.db``) or Django's async ORM (``acount()``,
``aget_or_create()``...).

Check your work:  make check EX=ex12   (or check("ex12") at the end of the notebook)
Stuck?            make hint EX=ex12
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
            await self.send_json({"members": await User.objects.acount()})
