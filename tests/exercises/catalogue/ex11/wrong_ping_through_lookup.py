"""ex11 wrong answer: offloads every text, "ping" included, so a ping waits for a lookup of its own.

expect: expected 'pong'
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
        # thread_sensitive=False: a thread of the pool, not the one thread every consumer waits for
        result = await sync_to_async(slow_lookup, thread_sensitive=False)(text_data)
        await self.send(text_data=result)
