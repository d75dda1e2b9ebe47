# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 · Async consumers: when and why?
#
# The consumers of notebooks 04 and 05 were synchronous (03's worker was already async, for a
# reason 03 gives). Channels has an async twin of each: `AsyncWebsocketConsumer`
# and `AsyncJsonWebsocketConsumer`. This notebook shows that the twins are used the same way,
# then *measures* the difference that matters — what happens to other clients while one
# handler waits — and finally shows the two errors everyone meets when mixing the two
# worlds, and their fixes.
#
# Every consumer is defined on this page in a `%%lesson` cell (notebook 04 explains them).
# This notebook uses an in-memory SQLite database (`DEMO_DATABASE=":memory:"`), so it leaves
# no file behind.

# %%
import asyncio
import contextlib
import inspect
import os
import time

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect

from channels_lab import check, run_daphne, setup_django

setup_django(DEMO_DATABASE=":memory:")

from django.conf import settings

print("database:", settings.DATABASES["default"]["NAME"])

# %% [markdown]
# Django is configured with an in-memory database. The lesson's imports:

# %%
# %%lesson
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

# %% [markdown]
# Both families of consumers, and the adapters between sync and async code, `async_to_sync`
# and `sync_to_async`, used below.

# %% [markdown]
# ## Twins
#
# An async consumer is written like its sync twin, with `async def` and `await`:

# %%
# %%lesson
class SyncEchoConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=text_data)


class AsyncEchoConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=text_data)

# %% [markdown]
# Notice that the async one only adds `async` and `await`. The JSON twins:

# %%
# %%lesson
class SyncJsonEchoConsumer(JsonWebsocketConsumer):
    def receive_json(self, content, **kwargs):
        self.send_json({"echo": content})


class AsyncJsonEchoConsumer(AsyncJsonWebsocketConsumer):
    async def receive_json(self, content, **kwargs):
        await self.send_json({"echo": content})

# %% [markdown]
# Same method names again; `send_json` must be awaited in the async one.

# %%
for cls in (SyncEchoConsumer, AsyncEchoConsumer):
    client = WebsocketCommunicator(cls.as_asgi(), "/ws/echo/")
    await client.connect()
    await client.send_to(text_data="twin")
    print(f"{cls.__name__:22} -> {await client.receive_from()}")
    await client.disconnect()

for cls in (SyncJsonEchoConsumer, AsyncJsonEchoConsumer):
    client = WebsocketCommunicator(cls.as_asgi(), "/ws/json/")
    await client.connect()
    await client.send_json_to({"n": 1})
    print(f"{cls.__name__:22} -> {await client.receive_json_from()}")
    await client.disconnect()

# %% [markdown]
# Same behaviour: `connect`, `receive`, `send`, `close`, `receive_json`, `send_json` exist in
# both, and `accept`, `send`, `close` must be awaited in the async one. The difference is
# *where the code runs*.

# %% [markdown]
# ## Threads versus the event loop, measured
#
# daphne runs one asyncio event loop. An async consumer's methods run *on* that loop. A sync
# consumer's methods cannot (they would block it), so Channels runs them in a thread:

# %%
from channels.consumer import SyncConsumer

print(*inspect.getsource(SyncConsumer.dispatch).splitlines()[:2], sep="\n")

# %% [markdown]
# `SyncConsumer.dispatch`, which calls every handler of a sync consumer, is wrapped in
# `database_sync_to_async`: each handler runs in a thread, through `sync_to_async`.
#
# Each consumer below waits `DELAY` seconds per message — a stand-in for a slow API or query —
# and answers with the id of the thread that ran `receive`. First the sync one and its async
# twin:

# %%
# %%lesson
DELAY = 0.15  # seconds each slow handler waits


class SlowSyncConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        time.sleep(DELAY)
        self.send(text_data=str(threading.get_ident()))


class SlowAsyncConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        await asyncio.sleep(DELAY)
        await self.send(text_data=str(threading.get_ident()))

# %% [markdown]
# Notice that the sync one *blocks* its thread in `time.sleep`, while the async one *awaits*
# `asyncio.sleep`, handing the loop back. Two async consumers that must call blocking code,
# the mistake and the fix:

# %%
# %%lesson
class BlockingAsyncConsumer(AsyncWebsocketConsumer):  # the mistake
    async def receive(self, text_data=None, bytes_data=None):
        time.sleep(DELAY)
        await self.send(text_data=str(threading.get_ident()))


class OffloadedAsyncConsumer(AsyncWebsocketConsumer):  # the fix
    async def receive(self, text_data=None, bytes_data=None):
        await sync_to_async(time.sleep, thread_sensitive=False)(DELAY)
        await self.send(text_data=str(threading.get_ident()))

# %% [markdown]
# They differ in one line: `time.sleep` called on the event loop, or handed to a worker
# thread with `sync_to_async(..., thread_sensitive=False)`. The router serves the four, and
# two more used further down:

# %%
# %%lesson
STALL = 0.6  # seconds the next two consumers hold a thread


class StallsSyncThreadConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data="sleeping")
        time.sleep(STALL)
        self.send(text_data="awake")


class StallsWorkerThreadConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data="sleeping")
        await sync_to_async(time.sleep, thread_sensitive=False)(STALL)
        await self.send(text_data="awake")

# %% [markdown]
# Both say `"sleeping"`, hold a thread for `STALL` seconds, and say `"awake"`; the first in the
# thread sync consumers run in, the second in a worker thread. Their use comes after the
# measurements. The router:

# %%
# %%lesson
application = URLRouter([
    path("ws/slow-sync/", SlowSyncConsumer.as_asgi()),
    path("ws/slow-async/", SlowAsyncConsumer.as_asgi()),
    path("ws/blocking-async/", BlockingAsyncConsumer.as_asgi()),
    path("ws/offloaded-async/", OffloadedAsyncConsumer.as_asgi()),
    path("ws/stalls-sync-thread/", StallsSyncThreadConsumer.as_asgi()),
    path("ws/stalls-worker-thread/", StallsWorkerThreadConsumer.as_asgi()),
    path("ws/echo-async/", AsyncEchoConsumer.as_asgi()),
])

# %% [markdown]
# daphne serves it. `ASGI_THREADS=6` fixes the size of the pool that `thread_sensitive=False`
# calls run in (more on it below), so that this notebook measures the same on every machine.

# %%
servers = contextlib.ExitStack()
server = servers.enter_context(run_daphne("lesson:application", env={"ASGI_THREADS": "6"}))
print("daphne serves the module lesson at", server.ws_url("/ws/"))

# %% [markdown]
# Eight clients now send one message each to each slow consumer, at the same moment.

# %%
N = 8
one_at_a_time = N * DELAY


async def clients_at_once(path, n=N):
    """Seconds from the first send to the last reply of ``n`` clients, and how many distinct thread ids answered."""
    clients = [await connect(server.ws_url(path)) for _ in range(n)]
    started = time.perf_counter()
    for websocket in clients:
        await websocket.send("go")
    threads = await asyncio.gather(*(websocket.recv() for websocket in clients))
    seconds = time.perf_counter() - started
    for websocket in clients:
        await websocket.close()
    return seconds, len(set(threads))


print(f"{N} clients, each handler waits {DELAY} s; one at a time would take {one_at_a_time:.2f} s")
results = {}
for path in ("/ws/slow-sync/", "/ws/slow-async/", "/ws/blocking-async/", "/ws/offloaded-async/"):
    results[path] = await clients_at_once(path)
    print(f"{path:21} all {N} answered in {results[path][0]:.2f} s")

# %% [markdown]
# The numbers vary from run to run; the verdicts below do not:

# %%
sync_s, sync_threads = results["/ws/slow-sync/"]
print("sync: one at a time:", sync_s >= one_at_a_time, "| every client served by the same thread:", sync_threads == 1)
print("async (await asyncio.sleep): concurrent:", results["/ws/slow-async/"][0] < one_at_a_time / 2)
print("async with time.sleep: one at a time:", results["/ws/blocking-async/"][0] >= one_at_a_time)
print("async with sync_to_async(time.sleep, thread_sensitive=False): concurrent:",
      results["/ws/offloaded-async/"][0] < one_at_a_time / 2)

# %% [markdown]
# - **Sync consumers took turns.** Not one thread per client: *one* thread for all of them.
#   `database_sync_to_async` is "thread-sensitive": every sync consumer in the process runs
#   its handlers in the same single thread, one after another (that keeps Django's
#   database connections safe). A slow sync handler delays every other sync consumer.
# - **Async consumers overlapped.** While one `await`s, the loop runs the others.
# - **A blocking call in `async def` is the worst case.** `time.sleep` (or `requests.get`,
#   or any slow function that does not `await`) inside an async consumer stops the whole
#   event loop: every client of this daphne waits.
# - **Blocking code that you cannot rewrite** goes to a thread: `await sync_to_async(f,
#   thread_sensitive=False)(...)` uses a thread pool, so such calls overlap — though the
#   eight took about two `DELAY`s, not one. Why, next.

# %% [markdown]
# ### Where `thread_sensitive=False` calls run
#
# With `thread_sensitive=False` and no `executor`, `sync_to_async` hands the call to
# `loop.run_in_executor(None, ...)`: the event loop's *default executor*. Unless daphne is given
# `ASGI_THREADS` (`daphne/server.py`, first lines), that is a `ThreadPoolExecutor()`, whose
# size is `min(32, cores + 4)`:

# %%
from concurrent.futures import ThreadPoolExecutor

source = inspect.getsource(ThreadPoolExecutor.__init__)
print(next(line.strip() for line in source.splitlines() if "min(32" in line))
print("default pool = min(32, cores + 4):", ThreadPoolExecutor()._max_workers == min(32, os.cpu_count() + 4))
print("on a 2-core machine:", min(32, 2 + 4), "threads; ASGI_THREADS gave this daphne 6 too")

# %% [markdown]
# So on 2 cores, 6 offloaded calls run at once and the seventh waits for a free thread: 8
# clients take two rounds of `DELAY`. More clients, more rounds:

# %%
import math

for n in (6, 8, 18):
    seconds, _ = await clients_at_once("/ws/offloaded-async/", n)
    rounds = math.ceil(n / 6)
    print(f"{n:2} clients on 6 threads: {seconds:.2f} s; expected {rounds} round(s) of DELAY,",
          "measured as many:", rounds * DELAY * 0.9 <= seconds < (rounds + 1) * DELAY)

# %% [markdown]
# One round for 6 clients, two for 8, three for 18: `ceil(clients / threads)`. The pool is a
# limit like any other; size it (`ASGI_THREADS`, or an `executor=` of your own) for the
# blocking calls you expect, or better, use a library that `await`s.

# %% [markdown]
# ### A slow sync handler stalls async consumers too
#
# The one thread of sync consumers matters even to async consumers. In Channels 4.3 every
# `AsyncConsumer.dispatch` first awaits `aclose_old_connections()`, and that runs Django's
# `close_old_connections` through a *thread-sensitive* `sync_to_async`: on that same one thread.

# %%
from channels.consumer import AsyncConsumer
from channels.db import aclose_old_connections

print(inspect.getsource(AsyncConsumer.dispatch))
print(inspect.getsource(aclose_old_connections))

# %% [markdown]
# Before each handler of an async consumer runs, it queues behind whatever the sync thread is
# doing. Measured: while `StallsSyncThreadConsumer` sleeps `STALL` seconds on that thread, how
# long does the async echo take to answer? And while `StallsWorkerThreadConsumer` sleeps in a
# worker thread?

# %%
async def echo_while_stalled(stall_path):
    """Seconds the async echo takes to answer while the consumer at ``stall_path`` holds its thread."""
    async with connect(server.ws_url(stall_path)) as staller, connect(server.ws_url("/ws/echo-async/")) as echo:
        await staller.send("go")
        assert await staller.recv() == "sleeping"
        started = time.perf_counter()
        await echo.send("ping")
        await echo.recv()
        waited = time.perf_counter() - started
        assert await staller.recv() == "awake"
    return waited


for stall_path in ("/ws/stalls-sync-thread/", "/ws/stalls-worker-thread/"):
    waited = await echo_while_stalled(stall_path)
    print(f"{stall_path:26} the async echo answered in {waited:.2f} s; it waited for the staller: {waited > STALL / 2}")

# %% [markdown]
# The async echo, which never touches a thread itself, waited almost the whole `STALL` behind
# the sync handler: its `dispatch` needed the thread the sleeping handler held. With the
# blocking call in a worker thread, the echo answered at once. So a slow sync handler delays
# every consumer of the process, sync or async; keep the shared thread for short work (quick
# ORM calls), and send slow blocking calls to the pool (`thread_sensitive=False`) from async
# consumers. That was the last measurement: stop daphne.

# %%
servers.close()
print("daphne still running?", server.process.poll() is None)

# %% [markdown]
# Nothing is left running. The rest of the notebook runs in-process.

# %% [markdown]
# ## `async_to_sync` and `sync_to_async`
#
# The two adapters from `asgiref` cross between the worlds. `async_to_sync(coroutine_function)`
# gives a plain function for *sync* code — it is how a sync consumer (or a Django view)
# calls the channel layer, as the demo's `ChatGroupConsumer` does.
# `sync_to_async(function)` gives an awaitable for *async* code. Each only works in its own
# direction. This notebook's cells run inside Jupyter's event loop, so they are async code:

# %%
layer = get_channel_layer()
try:
    async_to_sync(layer.group_send)("news", {"type": "news.flash", "text": "hello"})
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# `async_to_sync` refuses to run where an event loop is already running in the same
# thread: it would have to block that very loop to wait for the result. The fix is in the
# message: in async code, `await layer.group_send(...)`. In a consumer, the mistake and the fix:

# %%
# %%lesson
class AsyncToSyncInAsyncConsumer(AsyncWebsocketConsumer):  # the mistake
    async def receive(self, text_data=None, bytes_data=None):
        async_to_sync(self.channel_layer.group_send)("news", {"type": "news.flash", "text": text_data})


class AwaitsGroupSendConsumer(AsyncWebsocketConsumer):  # the fix
    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send("news", {"type": "news.flash", "text": text_data})
        await self.send(text_data="sent to the news group")

# %% [markdown]
# `AsyncToSyncInAsyncConsumer` was probably converted from a sync consumer by adding `async`
# in front of `def` and keeping the `async_to_sync(...)` call; `await` is the fix.

# %%
for cls in (AsyncToSyncInAsyncConsumer, AwaitsGroupSendConsumer):
    client = WebsocketCommunicator(cls.as_asgi(), "/ws/news/")
    await client.connect()
    await client.send_to(text_data="flash")
    try:
        print(f"{cls.__name__:27} -> {await client.receive_from(timeout=0.5)}")
        await client.disconnect()
    except RuntimeError as error:
        print(f"{cls.__name__:27} -> crashed: {str(error)[:55]}...")

# %% [markdown]
# The same `RuntimeError` killed the first consumer; the second sent its group message.

# %% [markdown]
# ## The ORM in async code: `SynchronousOnlyOperation`
#
# Django's ORM is synchronous, and Django refuses to run a query on a thread that runs an
# event loop. First, a table to query: `migrate` runs in a worker thread, since even this
# notebook's cells count as async code.

# %%
from django.contrib.auth.models import User
from django.core.exceptions import SynchronousOnlyOperation
from django.core.management import call_command

await sync_to_async(call_command)("migrate", verbosity=0)
await User.objects.acreate(username="ada")
try:
    User.objects.count()
except SynchronousOnlyOperation as error:
    print("in a notebook cell:", error)

# %% [markdown]
# The tables exist and hold one user, created with the async ORM method `acreate`. The
# plain `count()` refused to run, even here: Jupyter cells run inside an event loop. (Avoid
# the `DJANGO_ALLOW_ASYNC_UNSAFE` switch you will find online: it hides exactly the
# problem this section is about.) In an async consumer, the mistake:

# %%
# %%lesson
class OrmInAsyncConsumer(AsyncWebsocketConsumer):  # the mistake
    async def receive(self, text_data=None, bytes_data=None):
        from django.contrib.auth.models import User

        await self.send(text_data=f"{User.objects.count()} users")

# %% [markdown]
# It calls `count()` straight from `async def`. The two fixes, side by side:

# %%
# %%lesson
class DatabaseSyncToAsyncConsumer(AsyncWebsocketConsumer):  # fix 1: the query in a thread
    async def receive(self, text_data=None, bytes_data=None):
        from django.contrib.auth.models import User

        count = await database_sync_to_async(User.objects.count)()
        await self.send(text_data=f"{count} users")


class AsyncOrmConsumer(AsyncWebsocketConsumer):  # fix 2: Django's async ORM
    async def receive(self, text_data=None, bytes_data=None):
        from django.contrib.auth.models import User

        await self.send(text_data=f"{await User.objects.acount()} users")

# %% [markdown]
# One wraps the sync call, the other uses `acount()`. All three, in-process:

# %%
for cls in (OrmInAsyncConsumer, DatabaseSyncToAsyncConsumer, AsyncOrmConsumer):
    client = WebsocketCommunicator(cls.as_asgi(), "/ws/users/")
    await client.connect()
    await client.send_to(text_data="how many?")
    try:
        print(f"{cls.__name__:27} -> {await client.receive_from(timeout=0.5)}")
        await client.disconnect()
    except SynchronousOnlyOperation as error:
        print(f"{cls.__name__:27} -> crashed: SynchronousOnlyOperation")

# %% [markdown]
# Two fixes, both live above:
#
# - `await database_sync_to_async(User.objects.count)()` runs the query in the thread that
#   sync consumers use, and closes stale database connections around it the way Django does
#   around a request. Wrap a whole function of ORM code this way (`@database_sync_to_async`).
# - Django's async ORM: `acount()`, `aget()`, `acreate()`, `async for` over a queryset.
#   Today it still runs each query through `sync_to_async` under the hood, so it is a
#   convenience, not a speed-up.
#
# The seed article listed `database_sync_to_async` only inside Channels' auth code; the
# async ORM methods came later (Django 4.1+).

# %%
from django.db.models.query import QuerySet

print(inspect.getsource(QuerySet.acount))
await sync_to_async(call_command)("flush", interactive=False, verbosity=0)
print("users left:", await User.objects.acount())

# %% [markdown]
# `acount()` is `count()` through `sync_to_async`, as said. The in-memory database is empty
# again and disappears with the kernel: no file was written.

# %% [markdown]
# ## Exercises
#
# **ex11 · Don't block the event loop.** In `exercises/ex11_dont_block.py`, write
# `LookupConsumer`, an `AsyncWebsocketConsumer` that answers `"ping"` with `"pong"` at once
# and any other text with the result of the slow, blocking `slow_lookup(text)` — without
# making other clients wait for it.

# %%
check("ex11")

# %% [markdown]
# **ex12 · The ORM from an async consumer.** In `exercises/ex12_orm_members.py`, write
# `MembersConsumer`, an `AsyncJsonWebsocketConsumer` that registers members as Django users
# (`{"action": "join", "name": "ada"}`) and counts them (`{"action": "count"}`), using
# `database_sync_to_async` or the async ORM.

# %%
check("ex12")
