"""ex11 wrong answer: calls the blocking slow_lookup straight from async def.

expect: event loop
"""

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
            result = slow_lookup(text_data)
            await self.send(text_data=result)
