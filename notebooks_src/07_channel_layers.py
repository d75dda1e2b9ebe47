# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 · How do consumers talk to each other?
#
# Each WebSocket connection gets its own consumer instance. When Alice's message must reach
# Bob, Alice's consumer needs a way to hand it to Bob's. That way is the **channel layer**: a
# mailbox system shared by every consumer. Every consumer has a mailbox of its own (its
# *channel name*), and mailboxes can be collected under a name (a *group*) so one message
# reaches them all.
#
# This notebook starts with two clients in one room, opens the mailboxes to see how they
# work, then counts what the in-memory layer loses. After that it moves to Redis: two
# daphne processes, a redis-py 8 trap that kills idle consumers, messages sent from outside
# any consumer, and a background worker.

# %%
import asyncio
import contextlib
import json

from channels_lab import check, run_daphne, run_redis, setup_django

setup_django()

# %% [markdown]
# ## The shortest working example: a group of two
#
# `ChatGroupConsumer` is the origin article's group consumer, brought up to date. It is a
# *sync* consumer: it calls the layer's async methods through `async_to_sync`. On connect it
# joins the group `f1`, and it sends every text frame to the whole group.

# %%
from channels.testing import WebsocketCommunicator

from chat.consumers import ChatGroupConsumer

alice = WebsocketCommunicator(ChatGroupConsumer.as_asgi(), "/ws/group/")
bob = WebsocketCommunicator(ChatGroupConsumer.as_asgi(), "/ws/group/")
await alice.connect()
await bob.connect()

await alice.send_to(text_data="hello, group f1")
print("alice got:", await alice.receive_from())
print("bob got:  ", await bob.receive_from())
await alice.disconnect()
await bob.disconnect()

# %% [markdown]
# Alice sent one frame and both clients got it. Her consumer never spoke to Bob's consumer
# directly: it gave the message to the layer, and the layer delivered it to every member of `f1`.

# %% [markdown]
# ## The mechanism: channel names, `send`, groups
#
# `get_channel_layer()` returns the layer that `settings.CHANNEL_LAYERS` configures (the
# in-memory one here). `new_channel()` creates the unique name each consumer gets as
# `self.channel_name`. `send(name, message)` puts a message in that mailbox, and `receive(name)`
# takes it out. A message is a dict with a `"type"`.

# %%
from channels.layers import get_channel_layer

layer = get_channel_layer()
print(type(layer).__name__)

mailbox = await layer.new_channel()
print("a channel name:", mailbox)

await layer.send(mailbox, {"type": "note", "text": "for this mailbox only"})
print("received:", await layer.receive(mailbox))

# %% [markdown]
# In-memory channel names look like `specific..inmemory!` followed by 12 random letters. The
# origin article shows the same `new_channel` code (the double dot comes from the prefix
# `"specific."` plus the `"."` in the format string). Every connection gets a new random name,
# so the name tells you nothing about who is behind it.
#
# A group is a named set of channel names. `group_send` copies the message into every
# member's mailbox, and `group_discard` takes a member out. Consumers call `group_discard` in
# `disconnect`, otherwise the group keeps sending to a mailbox nobody reads.

# %%
first, second = await layer.new_channel(), await layer.new_channel()
await layer.group_add("news", first)
await layer.group_add("news", second)
await layer.group_send("news", {"type": "news.flash", "text": "to both"})
print("first got: ", await layer.receive(first))
print("second got:", await layer.receive(second))

await layer.group_discard("news", second)
await layer.group_send("news", {"type": "news.flash", "text": "after second left"})
print("first got: ", await layer.receive(first))
try:
    await asyncio.wait_for(layer.receive(second), timeout=0.2)
except TimeoutError:
    print("second got nothing: it is no longer in the group")

# %% [markdown]
# The layer never calls a consumer. It only fills mailboxes. A running consumer is always
# waiting on its own channel. When a message arrives there, the consumer dispatches it by
# `"type"`: `news.flash` would run a method named `news_flash`. Notebook 08 looks at that rule.
#
# The demo's `RoomConsumer` is the async version of the same idea. It `await`s
# `self.channel_layer.group_add(...)` directly, with no `async_to_sync`, and its group name
# comes from the URL (`room.lobby`).

# %%
from chat.consumers import RoomConsumer
from channels.routing import URLRouter
from django.urls import path

rooms = URLRouter([path("ws/rooms/<slug:room>/", RoomConsumer.as_asgi())])
carol = WebsocketCommunicator(rooms, "/ws/rooms/lobby/")
dave = WebsocketCommunicator(rooms, "/ws/rooms/kitchen/")
await carol.connect()
await dave.connect()
await layer.group_send("room.lobby", {"type": "chat.message", "message": "lobby only", "user": "server"})
print("carol (lobby) got:", await carol.receive_json_from())
print("dave (kitchen) got anything?", not await dave.receive_nothing(timeout=0.2))
await carol.disconnect()
await dave.disconnect()

# %% [markdown]
# Code outside any consumer (here, this notebook) sent to the group `room.lobby`. The lobby
# member got the message, and the kitchen member got nothing. The group name picks who hears
# a message.

# %% [markdown]
# ## The in-memory layer's limits, counted
#
# **Capacity.** Each channel holds at most `capacity` messages (default 100, the demo reads
# `CHANNEL_CAPACITY`). When a channel is full, `send` raises `ChannelFull`, but `group_send`
# **drops the message without saying so**.

# %%
from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

small = InMemoryChannelLayer(capacity=3)
slow_reader = await small.new_channel()
sent = 0
try:
    for n in range(5):
        await small.send(slow_reader, {"type": "tick", "n": n})
        sent += 1
except ChannelFull as error:
    print(f"send: {sent} accepted, then {type(error).__name__}")

await small.group_add("ticks", slow_reader)
for n in range(5):
    await small.group_send("ticks", {"type": "tick", "n": 100 + n})  # no error, ever

queued = []
with contextlib.suppress(TimeoutError):
    while True:
        queued.append((await asyncio.wait_for(small.receive(slow_reader), timeout=0.1))["n"])
print("what the reader finds:", queued, "| group_send raised nothing, and its 5 messages were lost")

# %% [markdown]
# A reader that falls behind loses group messages, and nothing tells anyone. Notebook 12
# measures how much a burst loses. The fix is a bigger capacity, a faster reader, or a
# protocol where the client notices the gaps.
#
# **Expiry.** A message that waits longer than `expiry` seconds (default 60) is thrown away.
# Group membership has its own timeout, `group_expiry` (default 86400 s, one day). After that
# a member stops getting group messages even though its connection is still open. This layer
# uses tiny values so the cell can show both.

# %%
short = InMemoryChannelLayer(expiry=1, group_expiry=1)
unread = await short.new_channel()
await short.send(unread, {"type": "note", "text": "nobody read me in time"})
member = await short.new_channel()
await short.group_add("brief", member)

await asyncio.sleep(2.1)
try:
    await asyncio.wait_for(short.receive(unread), timeout=0.2)
except TimeoutError:
    print("expired message: gone")
await short.group_send("brief", {"type": "note", "text": "still a member?"})
try:
    await asyncio.wait_for(short.receive(member), timeout=0.2)
except TimeoutError:
    print("member after group_expiry: no longer in 'brief'")

# %% [markdown]
# `RedisChannelLayer` takes the same `expiry` and `group_expiry` settings. A connection that stays open longer than `group_expiry` must join its groups
# again. Otherwise it quietly stops hearing them.
#
# **Names.** Channel and group names must be ASCII letters, digits, `-`, `_` or `.`, shorter
# than 100 characters. Naming a group after an e-mail address is a common mistake:

# %%
try:
    await layer.group_add("user@x.com", mailbox)
except TypeError as error:
    print("TypeError:", error)

# %% [markdown]
# The layer raised `TypeError` as soon as it saw the `@`. Encode such names first, for example
# `f"user.{user.pk}"`, or replace the forbidden characters:

# %%
import re


def group_for(email):
    return "user." + re.sub(r"[^A-Za-z0-9._-]", "_", email)


print(group_for("user@x.com"))
await layer.group_add(group_for("user@x.com"), mailbox)
await layer.group_discard(group_for("user@x.com"), mailbox)
print("valid now")

# %% [markdown]
# ## Two processes: the in-memory layer cannot reach across
#
# Production runs several server processes, so Alice and Bob may be connected to different
# ones. Here are two daphne processes serving the demo with its default in-memory layer, Alice
# on the first and Bob on the second, in the same room:

# %%
from websockets.asyncio.client import connect


async def say_and_listen(server_a, server_b, text):
    """Alice on server_a says text in room lobby; return what Alice and Bob (on server_b) receive."""
    async with (
        connect(server_a.ws_url("/ws/rooms/lobby/"), origin=server_a.origin) as alice,
        connect(server_b.ws_url("/ws/rooms/lobby/"), origin=server_b.origin) as bob,
    ):
        await alice.send(json.dumps({"message": text}))
        heard_by_alice = json.loads(await alice.recv())["message"]
        try:
            heard_by_bob = json.loads(await asyncio.wait_for(bob.recv(), timeout=1))["message"]
        except TimeoutError:
            heard_by_bob = None
        return heard_by_alice, heard_by_bob


with run_daphne() as first_process, run_daphne() as second_process:
    alice_heard, bob_heard = await say_and_listen(first_process, second_process, "anyone there?")
print("Alice heard:", alice_heard, "| Bob heard:", bob_heard)

# %% [markdown]
# Alice heard herself, but Bob heard nothing (`None`). The in-memory layer is a dict inside one
# Python process. Each daphne has its own dict, so the group `room.lobby` on the first process
# has no idea that Bob exists. The in-memory layer is for tests and a single process only.

# %% [markdown]
# ## Redis: one layer shared by every process
#
# `run_redis()` starts a throw-away `redis-server` on a free port. The demo's settings switch
# to `channels_redis.core.RedisChannelLayer` when `REDIS_URL` is set. Both daphnes get the same
# URL. One `ExitStack` holds the servers for the rest of the notebook, and a later cell closes it.

# %%
servers = contextlib.ExitStack()
redis = servers.enter_context(run_redis())
on_redis = {"REDIS_URL": redis.url}
process_a = servers.enter_context(run_daphne(env=on_redis))
process_b = servers.enter_context(run_daphne(env=on_redis))
print("redis at", redis.url, "| daphne A and daphne B running:",
      process_a.process.poll() is None and process_b.process.poll() is None)

# %%
alice_heard, bob_heard = await say_and_listen(process_a, process_b, "anyone there?")
print("Alice heard:", alice_heard, "| Bob heard:", bob_heard)

# %% [markdown]
# This time Bob, on the other process, heard Alice. `group_add` stored the membership in Redis,
# and `group_send` on process A put the message in Bob's mailbox, which process B was waiting on.
#
# This kernel is a third process. It can build its own layer on the same Redis and talk to both.
# The same calls work on `RedisChannelLayer` and `RedisPubSubChannelLayer`. The pub/sub layer
# uses Redis Pub/Sub instead of lists: messages are never queued, so one sent while nobody
# listens is lost, and capacity and expiry do not apply.

# %%
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

host = {"address": redis.url, "socket_timeout": None}
for backend in (RedisChannelLayer, RedisPubSubChannelLayer):
    sender, receiver = backend(hosts=[host]), backend(hosts=[host])  # as if in two processes
    name = await receiver.new_channel()
    receiving = asyncio.ensure_future(receiver.receive(name))
    await asyncio.sleep(0.2)  # the pub/sub layer only delivers to a subscribed receiver
    await sender.send(name, {"type": "note", "text": "across Redis"})
    print(f"{backend.__name__} got", await asyncio.wait_for(receiving, 5))
    for each in (sender, receiver):
        await (each.close_pools() if backend is RedisChannelLayer else each.flush())

defaults = RedisChannelLayer(hosts=[host])
print("RedisChannelLayer defaults: expiry", defaults.expiry, "s, group_expiry", defaults.group_expiry,
      "s, capacity", defaults.capacity)

# %% [markdown]
# Both layers carried the message from one layer object to the other through Redis, and the
# Redis layer's defaults for expiry, group expiry and capacity match the in-memory layer's. A
# `RedisChannelLayer` channel name looks like `specific.` + a per-process prefix + `!` + a
# random suffix; the prefix tells a process which messages are its own.

# %% [markdown]
# ## A trap: idle consumers die after 5 seconds
#
# The origin article configures the layer with a plain URL: `"hosts": ["redis://..."]`.
# That was fine with older redis-py. **redis-py 8 sets a default socket timeout of 5 s**,
# and channels-redis 4.3 waits on a consumer's mailbox with a blocking `BRPOP` that lasts
# up to 5 s. When a consumer has no traffic, the socket read can time out first. The read
# raises `TimeoutError: Timeout reading from ...`, the consumer crashes, and daphne closes the
# WebSocket with code **1011** (internal error). This is
# [channels_redis issue 422](https://github.com/django/channels_redis/issues/422).
#
# `lessons.nb07_settings_default_timeout` is the demo's settings with the article's plain URL.
# Below, one client connects to a daphne using it and another to daphne A (the demo's fixed
# settings). Both wait 6 seconds without sending anything, then say something.

# %%
import time

from websockets.exceptions import ConnectionClosed


async def idle_then_talk(server, seconds):
    async with connect(server.ws_url("/ws/rooms/idle/"), origin=server.origin) as client:
        await asyncio.sleep(seconds)
        try:
            await client.send(json.dumps({"message": "still there?"}))
            return "answered: " + json.loads(await client.recv())["message"]
        except ConnectionClosed as closed:
            return f"closed with code {closed.rcvd.code}"


default_timeout = {**on_redis, "DJANGO_SETTINGS_MODULE": "lessons.nb07_settings_default_timeout"}
started = time.monotonic()
with run_daphne(env=default_timeout) as plain_url:
    results = await asyncio.gather(idle_then_talk(plain_url, 6), idle_then_talk(process_a, 6))
    crash = [line for line in plain_url.output.splitlines() if "TimeoutError" in line]
print(f"both clients idle for {time.monotonic() - started:.1f} s")
print("plain URL (socket_timeout 5 s):", results[0], "| server log:", crash[-1])
print("demo settings (socket_timeout None):", results[1])

# %% [markdown]
# The client of the plain-URL server was closed with 1011, and its daphne logged the redis-py
# timeout. The demo's server answered after the same 6 idle seconds. The fix is one key in the
# host settings, as `demo_project/settings.py` has it:
#
# ```python
# "hosts": [{"address": REDIS_URL, "socket_timeout": None}]
# ```
#
# `socket_timeout: None` lets a read wait as long as `BRPOP` needs. Connecting still gives
# up after 5 s, because `socket_connect_timeout` is a separate setting. You can see both
# values on the connections each configuration creates (nothing connects here):

# %%
from channels_redis.utils import create_pool

for label, entry in [("plain URL", redis.url), ("demo settings", host)]:
    connection = create_pool(RedisChannelLayer(hosts=[entry]).hosts[0]).make_connection()
    print(f"{label:14} socket_timeout={connection.socket_timeout}, "
          f"socket_connect_timeout={connection.socket_connect_timeout}")

# %% [markdown]
# The plain URL gives reads the 5-second limit, and the demo's host dict removes it. Only
# reads changed: connecting still times out. `tests/test_redis_layer.py` keeps a client
# idle for more than 10 s on the demo's layer and then exchanges a message.

# %% [markdown]
# ## Sending from outside a consumer
#
# Any Django code can use the layer: a view, a signal handler, a management command. Sync code
# wraps the call in `async_to_sync`. The demo's `manage.py announce ROOM TEXT` does exactly
# that. Its `handle` is three lines:
#
# ```python
# layer = get_channel_layer()
# async_to_sync(layer.group_send)(
#     f"room.{room}", {"type": "chat.message", "message": message, "user": "server"}
# )
# ```
#
# Here it runs as a separate process while Alice is in the lobby on daphne A:

# %%
from lessons.nb07_processes import manage

async with connect(process_a.ws_url("/ws/rooms/lobby/"), origin=process_a.origin) as alice:
    printed = await asyncio.to_thread(manage, "announce", "lobby", "maintenance at noon", env=on_redis)
    print("manage.py printed:", printed.strip())
    print("Alice got:", json.loads(await alice.recv()))

# %% [markdown]
# The command ran in its own process, sent one `group_send` through Redis and exited. Alice's
# consumer got a `chat.message` like any other. A view would make the same call:
# `async_to_sync(get_channel_layer().group_send)(...)`.

# %% [markdown]
# ## A background worker: `ChannelNameRouter` and `runworker`
#
# Slow jobs (sending e-mail, resizing images, calling an API) should not run inside a chat
# consumer. Give them a **named channel** and a worker process that listens on it. The demo's
# `asgi.py` routes the `"channel"` protocol through
# `ChannelNameRouter({"shouter": ShoutWorker.as_asgi()})`. `manage.py runworker shouter`
# then receives every message sent to the channel `shouter` and dispatches it by type, so
# `"shout"` runs `ShoutWorker.shout`, which passes the text on to a room in capitals:
#
# ```python
# class ShoutWorker(AsyncConsumer):
#     async def shout(self, event):
#         await self.channel_layer.group_send(
#             f"room.{event['room']}",
#             {"type": "chat.message", "message": event["message"].upper(), "user": "worker"},
#         )
# ```

# %%
from lessons.nb07_processes import run_worker

kernel_layer = RedisChannelLayer(hosts=[host])
with run_worker(["shouter"], env=on_redis):
    async with connect(process_b.ws_url("/ws/rooms/lobby/"), origin=process_b.origin) as bob:
        await kernel_layer.send("shouter", {"type": "shout", "room": "lobby", "message": "wake up"})
        print("Bob (on daphne B) got:", json.loads(await asyncio.wait_for(bob.recv(), 10)))
await kernel_layer.close_pools()

# %% [markdown]
# Three processes took part: this kernel sent to the channel `shouter`, the worker process
# turned the message into a group message for `room.lobby`, and daphne B passed it to Bob.
# A plain channel name such as `shouter` (no `!`) is not tied to one process. Any worker
# listening on it can take the next message, so you can run several of them.

# %% [markdown]
# Time to stop every server this notebook started:

# %%
servers.close()
print("redis and both daphnes stopped:", all(s.process.poll() is not None for s in (redis, process_a, process_b)))

# %% [markdown]
# ## Exercises
#
# **ex13 · A team chat on groups.** In `exercises/ex13_team_chat.py`, write `TeamConsumer`
# (served at `/ws/teams/<team>/`). It joins the group `team.<team>` on connect and sends every
# `{"text": ...}` to the whole team as a `team.message` event. It delivers events to the client
# as `{"team": ..., "text": ...}` and leaves the group on disconnect.

# %%
check("ex13")

# %% [markdown]
# **ex14 · A Redis layer that survives idle consumers.** In `exercises/ex14_redis_layer.py`,
# write `redis_channel_layer(url, capacity)`. It returns the `CHANNEL_LAYERS["default"]`
# entry for a Redis layer at `url` with that capacity, one on which an idle consumer does not
# die after 5 seconds. The tests use a real redis-server.

# %%
check("ex14")
