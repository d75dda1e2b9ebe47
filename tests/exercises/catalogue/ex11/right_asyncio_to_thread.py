"""ex11 rightful variant: asyncio.to_thread instead of sync_to_async.
"""

import asyncio
import time

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
            # a thread of the default pool, which no other consumer waits for
            result = await asyncio.to_thread(slow_lookup, text_data)
            await self.send(text_data=result)
