"""ex11 — Don't block the event loop (notebooks/06_async_consumers.ipynb).

``slow_lookup(text)`` stands for blocking code you cannot rewrite (an old client library, a
file on a slow disk): it takes LOOKUP_SECONDS and returns ``text.upper()``. Write
``LookupConsumer``, an ``AsyncWebsocketConsumer`` that:

- answers the text ``"ping"`` with ``"pong"`` at once;
- answers any other text with ``slow_lookup(text)``;
- keeps answering other clients' pings *while* a lookup runs: the lookup must not block
  the event loop.

Check your work:  make check EX=ex11   (or check("ex11") at the end of the notebook)
Stuck?            make hint EX=ex11
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
            # thread_sensitive=False: a thread of the pool, not the one thread every consumer waits for
            result = await sync_to_async(slow_lookup, thread_sensitive=False)(text_data)
            await self.send(text_data=result)
