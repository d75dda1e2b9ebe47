"""Consumers for notebook 06: sync and async twins, slow handlers, and the two classic errors.

Serve them with ``run_daphne("lessons.nb06_async:application")``; the paths are in ``ROUTES``.
"""

import asyncio
import threading
import time

from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import (
    AsyncJsonWebsocketConsumer,
    AsyncWebsocketConsumer,
    JsonWebsocketConsumer,
    WebsocketConsumer,
)
from channels.routing import URLRouter
from django.urls import path

DELAY = 0.15  # seconds each slow handler waits: a stand-in for a slow API call or query


# ---- twins: the same echo, sync and async ----

class SyncEchoConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=text_data)


class AsyncEchoConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=text_data)


class SyncJsonEchoConsumer(JsonWebsocketConsumer):
    def receive_json(self, content, **kwargs):
        self.send_json({"echo": content})


class AsyncJsonEchoConsumer(AsyncJsonWebsocketConsumer):
    async def receive_json(self, content, **kwargs):
        await self.send_json({"echo": content})


# ---- slow handlers: where does the waiting happen? ----

class SlowSyncConsumer(WebsocketConsumer):
    """Waits DELAY in a thread, then answers with the id of the thread it ran in."""

    def receive(self, text_data=None, bytes_data=None):
        time.sleep(DELAY)
        self.send(text_data=str(threading.get_ident()))


class SlowAsyncConsumer(AsyncWebsocketConsumer):
    """Waits DELAY on the event loop without blocking it."""

    async def receive(self, text_data=None, bytes_data=None):
        await asyncio.sleep(DELAY)
        await self.send(text_data=str(threading.get_ident()))


class BlockingAsyncConsumer(AsyncWebsocketConsumer):
    """The mistake: a blocking call inside async def stops the whole event loop for DELAY."""

    async def receive(self, text_data=None, bytes_data=None):
        time.sleep(DELAY)
        await self.send(text_data=str(threading.get_ident()))


class OffloadedAsyncConsumer(AsyncWebsocketConsumer):
    """The fix when the slow code is blocking: run it in a worker thread with sync_to_async."""

    async def receive(self, text_data=None, bytes_data=None):
        await sync_to_async(time.sleep, thread_sensitive=False)(DELAY)
        await self.send(text_data=str(threading.get_ident()))


# ---- the two classic errors ----

class AsyncToSyncInAsyncConsumer(AsyncWebsocketConsumer):
    """Calls async_to_sync from async code: RuntimeError."""

    async def receive(self, text_data=None, bytes_data=None):
        async_to_sync(self.channel_layer.group_send)("news", {"type": "news.flash", "text": text_data})


class AwaitsGroupSendConsumer(AsyncWebsocketConsumer):
    """The fix: in async code, await the coroutine."""

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send("news", {"type": "news.flash", "text": text_data})
        await self.send(text_data="sent to the news group")


class OrmInAsyncConsumer(AsyncWebsocketConsumer):
    """Uses the ORM directly in async code: SynchronousOnlyOperation."""

    async def receive(self, text_data=None, bytes_data=None):
        from django.contrib.auth.models import User

        await self.send(text_data=f"{User.objects.count()} users")


class DatabaseSyncToAsyncConsumer(AsyncWebsocketConsumer):
    """Fix 1: run the ORM call in a thread with database_sync_to_async."""

    async def receive(self, text_data=None, bytes_data=None):
        from django.contrib.auth.models import User

        count = await database_sync_to_async(User.objects.count)()
        await self.send(text_data=f"{count} users")


class AsyncOrmConsumer(AsyncWebsocketConsumer):
    """Fix 2: Django's async ORM methods (acount, aget, acreate, ...)."""

    async def receive(self, text_data=None, bytes_data=None):
        from django.contrib.auth.models import User

        await self.send(text_data=f"{await User.objects.acount()} users")


ROUTES = {
    "ws/slow-sync/": SlowSyncConsumer,
    "ws/slow-async/": SlowAsyncConsumer,
    "ws/blocking-async/": BlockingAsyncConsumer,
    "ws/offloaded-async/": OffloadedAsyncConsumer,
}

application = URLRouter([path(route, consumer.as_asgi()) for route, consumer in ROUTES.items()])
