"""ex11 wrong answer: sync_to_async(slow_lookup) with its default thread_sensitive=True, the old reference.

expect: thread_sensitive=True
"""

import time

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

LOOKUP_SECONDS = 1.5


def slow_lookup(text):
    """Blocking: sleeps LOOKUP_SECONDS, then returns ``text.upper()``. Do not change it."""
    time.sleep(LOOKUP_SECONDS)
    return text.upper()


class LookupConsumer(AsyncWebsocketConsumer):
    """Pings are answered at once; lookups run without blocking other clients."""

    async def receive(self, text_data=None, bytes_data=None):
        """Answer "ping" with "pong", anything else with slow_lookup(text)."""
        if text_data == "ping":
            await self.send(text_data="pong")
        else:
            result = await sync_to_async(slow_lookup)(text_data)
            await self.send(text_data=result)
