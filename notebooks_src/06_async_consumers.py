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
# Every consumer so far was synchronous. Channels has an async twin of each:
# `AsyncWebsocketConsumer` and `AsyncJsonWebsocketConsumer`. This notebook shows that the
# twins are used the same way, then *measures* the difference that matters — what happens
# to other clients while one handler waits — and finally shows the two errors everyone meets
# when mixing the two worlds, and their fixes.
#
# The consumers live in `demo_project/lessons/nb06_async.py`. This notebook uses an
# in-memory SQLite database (`DEMO_DATABASE=":memory:"`), so it leaves no file behind.

# %%
import asyncio
import contextlib
import inspect
import time

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect

from channels_lab import check, run_daphne, setup_django

setup_django(DEMO_DATABASE=":memory:")

from django.conf import settings

from lessons import nb06_async as lesson

servers = contextlib.ExitStack()
server = servers.enter_context(run_daphne("lessons.nb06_async:application"))
print("database:", settings.DATABASES["default"]["NAME"])
print("daphne serves the lesson at", server.ws_url("/ws/"))

# %% [markdown]
# Django uses an in-memory database, and daphne serves the lesson's slow consumers.

# %% [markdown]
# ## Twins
#
# An async consumer is written like its sync twin, with `async def` and `await`:

# %%
for cls in (lesson.SyncEchoConsumer, lesson.AsyncEchoConsumer, lesson.AsyncJsonEchoConsumer):
    print(inspect.getsource(cls))

for cls in (lesson.SyncEchoConsumer, lesson.AsyncEchoConsumer):
    client = WebsocketCommunicator(cls.as_asgi(), "/ws/echo/")
    await client.connect()
    await client.send_to(text_data="twin")
    print(f"{cls.__name__:18} -> {await client.receive_from()}")
    await client.disconnect()

for cls in (lesson.SyncJsonEchoConsumer, lesson.AsyncJsonEchoConsumer):
    client = WebsocketCommunicator(cls.as_asgi(), "/ws/json/")
    await client.connect()
    await client.send_json_to({"n": 1})
    print(f"{cls.__name__:22} -> {await client.receive_json_from()}")
    await client.disconnect()

# %% [markdown]
# Same methods, same behaviour: `connect`, `receive`, `send`, `close`, `receive_json`,
# `send_json` exist in both, and `accept`, `send`, `close` must be awaited in the async one.
# The difference is *where the code runs*.

# %% [markdown]
# ## Threads versus the event loop, measured
#
# daphne runs one asyncio event loop. An async consumer's methods run *on* that loop. A sync
# consumer's methods cannot (they would block it), so Channels runs them in a thread
# (`SyncConsumer.dispatch` is wrapped in `database_sync_to_async`).
#
# Each consumer below waits `DELAY` seconds per message — a stand-in for a slow API or query —
# and answers with the id of the thread that ran `receive`. Eight clients send one message
# each, at the same moment.

# %%
N = 8
one_at_a_time = N * lesson.DELAY


async def eight_clients_at_once(path):
    """Seconds from the first send to the last reply, and how many distinct thread ids answered."""
    clients = [await connect(server.ws_url(path)) for _ in range(N)]
    started = time.perf_counter()
    for websocket in clients:
        await websocket.send("go")
    threads = await asyncio.gather(*(websocket.recv() for websocket in clients))
    seconds = time.perf_counter() - started
    for websocket in clients:
        await websocket.close()
    return seconds, len(set(threads))


print(f"{N} clients, each handler waits {lesson.DELAY} s; one at a time would take {one_at_a_time:.2f} s")
results = {}
for path in ("/ws/slow-sync/", "/ws/slow-async/", "/ws/blocking-async/", "/ws/offloaded-async/"):
    results[path] = await eight_clients_at_once(path)
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
#   thread_sensitive=False)(...)` uses a thread pool, so such calls overlap.
#
# So: use async consumers when handlers mostly *wait* (channel layer, network, timers) and
# write them with `await` all the way down; sync consumers are fine for quick handlers and
# plain ORM code.

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
# message: in async code, `await layer.group_send(...)`. In a consumer, the same mistake
# kills the connection:

# %%
for cls in (lesson.AsyncToSyncInAsyncConsumer, lesson.AwaitsGroupSendConsumer):
    client = WebsocketCommunicator(cls.as_asgi(), "/ws/news/")
    await client.connect()
    await client.send_to(text_data="flash")
    try:
        print(f"{cls.__name__:27} -> {await client.receive_from(timeout=0.5)}")
        await client.disconnect()
    except RuntimeError as error:
        print(f"{cls.__name__:27} -> crashed: {str(error)[:55]}...")

# %% [markdown]
# `AsyncToSyncInAsyncConsumer` was probably converted from a sync consumer by adding
# `async` in front of `def` and keeping the `async_to_sync(...)` call; `await` is the fix.

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
# problem this section is about.) In an async consumer:

# %%
for cls in (lesson.OrmInAsyncConsumer, lesson.DatabaseSyncToAsyncConsumer, lesson.AsyncOrmConsumer):
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
servers.close()
await sync_to_async(call_command)("flush", interactive=False, verbosity=0)
print("daphne still running?", server.process.poll() is None)
print("users left:", await User.objects.acount())

# %% [markdown]
# daphne is stopped, and the in-memory database disappears with the kernel: no file was
# written.

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
