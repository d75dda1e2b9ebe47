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
# The notebook starts with two clients in one group, opens the mailboxes, and counts what the
# in-memory layer loses. Then it moves to Redis: two daphne processes, how channels-redis
# stores messages and where it still drops them, the pub/sub layer side by side with the core
# one, expiry, a redis-py setting that kills idle consumers, and a background worker. Each
# section starts the servers it needs in its own cells and stops them there.

# %%
import asyncio
import contextlib
import json

from channels_lab import check, run_daphne, run_redis, setup_django

setup_django()
print("Django is set up; %%lesson cells are enabled")

# %% [markdown]
# Django is configured with the demo project's settings (the in-memory layer), and `%%lesson`
# cells are on: such a cell runs here and also becomes part of a module, `lesson`, that a
# daphne or worker process can import. The consumers of this notebook are all in such cells.

# %% [markdown]
# ## The shortest working example: a group of two

# %%
# %%lesson
import os

from asgiref.sync import async_to_sync
from channels.consumer import AsyncConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer, WebsocketConsumer
from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter
from django.urls import path

# %% [markdown]
# The lesson module's imports: two consumer base classes, the routers of notebook 03,
# `async_to_sync`, which lets sync code call the layer's async methods, and `os` (a worker
# below signs its messages with its process id).

# %%
# %%lesson
class GroupChatConsumer(WebsocketConsumer):
    """Every text frame goes to everyone connected, the sender included (group "everyone")."""

    group = "everyone"

    def connect(self):
        async_to_sync(self.channel_layer.group_add)(self.group, self.channel_name)
        self.accept()

    def receive(self, text_data=None, bytes_data=None):
        async_to_sync(self.channel_layer.group_send)(self.group, {"type": "group.text", "text": text_data})

    def group_text(self, event):
        self.send(text_data=event["text"])

    def disconnect(self, code):
        async_to_sync(self.channel_layer.group_discard)(self.group, self.channel_name)

# %% [markdown]
# Notice that `receive` never sends to the client: it hands the text to the layer as an
# *event* of type `group.text`. The layer puts a copy in every member's mailbox, and each
# member's consumer runs `group_text` (the type with `.` turned into `_`), which sends it on.

# %%
from channels.testing import WebsocketCommunicator

alice = WebsocketCommunicator(GroupChatConsumer.as_asgi(), "/ws/group/")
bob = WebsocketCommunicator(GroupChatConsumer.as_asgi(), "/ws/group/")
await alice.connect()
await bob.connect()

await alice.send_to(text_data="hello, everyone")
print("alice got:", await alice.receive_from())
print("bob got:  ", await bob.receive_from())
await alice.disconnect()
await bob.disconnect()

# %% [markdown]
# Alice sent one frame and both clients got it. Her consumer never spoke to Bob's consumer
# directly: it gave the event to the layer, and the layer delivered it to every member.

# %% [markdown]
# ## The mechanism: channel names, `send`, groups
#
# `get_channel_layer()` returns the layer that `settings.CHANNEL_LAYERS` configures (the
# in-memory one here). `new_channel()` creates the unique name each consumer gets as
# `self.channel_name`. `send(name, message)` puts a message in that mailbox, and `receive(name)`
# takes it out. A message is a dict with a `"type"`.

# %%
from channels.layers import get_channel_layer
from django.conf import settings

print("settings.CHANNEL_LAYERS names:", settings.CHANNEL_LAYERS["default"]["BACKEND"])
layer = get_channel_layer()
print(type(layer).__name__, "| the same object on every call:", layer is get_channel_layer())

mailbox = await layer.new_channel()
print("a channel name:", mailbox)

await layer.send(mailbox, {"type": "note", "text": "for this mailbox only"})
print("received:", await layer.receive(mailbox))

# %% [markdown]
# The demo's settings name the in-memory layer, and `get_channel_layer()` builds it once per
# process. In-memory channel names are
# `specific..inmemory!` followed by 12 random letters, so a name
# tells you nothing about who is behind it. The part after `!` marks a *process-specific*
# channel: a mailbox meant to be read only by the process that made it.
#
# A group is a named set of channel names. `group_send` copies the message into every
# member's mailbox, and `group_discard` takes a member out.

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
    print("second got:", await asyncio.wait_for(layer.receive(second), timeout=0.2))
except TimeoutError:
    print("second got: nothing within 0.2 s, it has left the group")

# %% [markdown]
# The layer never calls a consumer; it only fills mailboxes. A running consumer always waits
# on its own channel and dispatches what arrives by `"type"`. That is why a consumer calls
# `group_discard` in `disconnect`: otherwise the group keeps filling a mailbox nobody reads.
# Here is the group chat beside a copy that forgets to leave:

# %%
class ForgetfulGroupChatConsumer(GroupChatConsumer):
    """GroupChatConsumer without its disconnect: it never leaves the group."""

    def disconnect(self, code):
        pass

# %% [markdown]
# Only `disconnect` differs. The in-memory layer keeps its groups in a dict, `layer.groups`
# (group name to member channels), so we can look at what a group holds after a client left:

# %%
for consumer in (GroupChatConsumer, ForgetfulGroupChatConsumer):
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/group/")
    await client.connect()
    await client.disconnect()
    left_over = list(layer.groups.get("everyone", {}))
    line = f"{consumer.__name__:26} members of 'everyone' after its client left: {len(left_over)}"
    if left_over:
        await layer.group_send("everyone", {"type": "group.text", "text": "anyone?"})
        line += f" | a group_send still fills its mailbox: {await layer.receive(left_over[0])}"
        await layer.group_discard("everyone", left_over[0])  # tidy up by hand
    print(line)

# %% [markdown]
# The consumer that left cleanly emptied the group. The forgetful one's channel stayed a
# member after its client was gone, and `group_send` kept putting messages in a mailbox that
# nobody will ever read. How long it stays depends on the layer. The in-memory layer, at the
# start of every `receive` and `group_send`, throws away expired messages, and takes a channel
# that had one out of *every* group (`_clean_expired` and `_remove_from_groups`,
# `channels/layers.py`). So a channel leaves its groups once a message has waited in it for
# `expiry` (60 s by default). Here with `expiry=0.5`, a forgotten channel and a live consumer
# that is busy for a moment, both members of two groups:

# %%
from channels.layers import InMemoryChannelLayer

brief = InMemoryChannelLayer(expiry=0.5)  # messages expire after 0.5 s instead of 60 s; group_expiry stays a day
forgotten, busy = await brief.new_channel(), await brief.new_channel()
for group in ("everyone", "news"):
    await brief.group_add(group, forgotten)
    await brief.group_add(group, busy)
await brief.group_send("everyone", {"type": "group.text", "text": "anyone?"})
print("members:", {group: len(members) for group, members in brief.groups.items()})
await asyncio.sleep(0.6)  # past expiry: the copy of "anyone?" in each channel has expired
await brief.group_send("news", {"type": "group.text", "text": "still there?"})  # starts with the clean-up
print("0.6 s later:", {group: len(members) for group, members in brief.groups.items()})
try:
    print("the busy consumer reads at last:", await asyncio.wait_for(brief.receive(busy), 0.1))
except TimeoutError:
    print("the busy consumer reads at last: nothing within 0.1 s")

# %% [markdown]
# Each channel's expired copy of "anyone?" took it out of both groups, the one the message was
# sent to and the other: the forgotten channel was gone after `expiry`, not after `group_expiry`.
# The busy consumer lost more than that message: it is no longer a member of anything, no error
# or event told it so, and the `group_send` of "still there?" reached nobody. On the core Redis
# layer a membership ends only by `group_discard` or by `group_expiry` (a day by default,
# `group_send`'s `zremrangebyscore` in `channels_redis/core.py`): the expiry section shows a
# forgotten member there that outlives its expired message.

# %% [markdown]
# **Names.** A group name may use the letters `a`–`z` and `A`–`Z`, digits, `-`, `_` and `.`, and
# must be shorter than 100 characters. A channel name may in addition have one `!`, followed by
# the process-specific part (`channels/layers.py`, `channel_name_regex` and `group_name_regex`).
# The patterns write digits as `\d` and the part after `!` with `\w`, and in Python both match
# Unicode, not only ASCII: `\d` any decimal digit (`٣` below is the Arabic-Indic digit three; the
# superscript `²` is no decimal digit), `\w` letters such as `é` too:

# %%
def verdict(check_name, name):
    try:
        check_name(name)
        return "valid"
    except TypeError:
        return "TypeError"


for name in ["room.lobby", "specific.abc!def", "user@x.com", "room.٣", "room.²", "room.é",
             "specific.abc!é", "specific.abc!²", "g" * 99, "g" * 100]:
    label = name if len(name) < 20 else f"{len(name)} letters"
    print(f"{label:17} as a channel: {verdict(layer.require_valid_channel_name, name):9}"
          f" as a group: {verdict(layer.require_valid_group_name, name)}")
try:
    await layer.group_add("user@x.com", mailbox)
except TypeError as error:
    print("group_add of 'user@x.com':", type(error).__name__)

# %% [markdown]
# `!` is fine in a channel name and refused in a group name; `@` is refused in both, and so are
# 100 letters where 99 pass. A Unicode decimal digit such as `٣` passes and the superscript `²`
# is refused, and so is a letter outside `a`–`z` such as `é`, everywhere but after the `!` of a
# channel name, where `\w` accepts both (`specific.abc!é`, `specific.abc!²`). The in-memory
# layer's `group_add` runs
# the same check, so naming a group after an e-mail address fails with `TypeError` there, as on
# the core Redis layer; the pub/sub layer checks nothing (its section shows it).
# Encode such names first, for example `f"user.{user.pk}"`.

# %% [markdown]
# ## An async room per URL
#
# The group name can come from the URL. `RoomConsumer` is async: it `await`s the layer's
# methods directly, with no `async_to_sync`.

# %%
# %%lesson
class RoomConsumer(AsyncJsonWebsocketConsumer):
    """/ws/rooms/<room>/: {"message": ...} reaches everyone in the same room."""

    async def connect(self):
        self.group = "room." + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def receive_json(self, content):
        await self.channel_layer.group_send(self.group, {"type": "chat.message", "message": content["message"]})

    async def chat_message(self, event):
        await self.send_json({"message": event["message"]})

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

# %% [markdown]
# Notice `self.group`: `room.lobby` for `/ws/rooms/lobby/`. Anything that can reach the layer can
# send a `chat.message` to that group, not only another `RoomConsumer`.
# (To see that daphne serves what this cell says, make `chat_message` send
# `event["message"].upper()`, re-run the cell, then re-run the daphne cells below.)

# %%
# %%lesson
rooms = URLRouter(
    [
        path("ws/group/", GroupChatConsumer.as_asgi()),
        path("ws/rooms/<slug:room>/", RoomConsumer.as_asgi()),
    ]
)

# %% [markdown]
# `rooms` routes the two consumers; daphne will serve it as `lesson:rooms` (it checks no
# `Origin`, which notebook 09 adds).

# %%
carol = WebsocketCommunicator(rooms, "/ws/rooms/lobby/")
dave = WebsocketCommunicator(rooms, "/ws/rooms/kitchen/")
await carol.connect()
await dave.connect()
await layer.group_send("room.lobby", {"type": "chat.message", "message": "lobby only"})
print("carol (lobby) got:", await carol.receive_json_from())
print("dave (kitchen) got:", "nothing within 0.2 s" if await dave.receive_nothing(timeout=0.2) else "a message")
await carol.disconnect()
await dave.disconnect()

# %% [markdown]
# This notebook, outside any consumer, sent to the group `room.lobby`. The lobby member got the
# message and the kitchen member did not: the group name picks who hears a message.

# %% [markdown]
# ## The in-memory layer's capacity
#
# Each in-memory channel holds at most `capacity` messages (default 100). When a channel is
# full, `send` raises `ChannelFull`, but `group_send` **drops the message without saying so**
# (`channels/layers.py`, `group_send` catches `ChannelFull` and passes).

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

# %% [markdown]
# `send` told the sender at once: the fourth message raised `ChannelFull`. Now the same full
# channel as a member of a group:

# %%
await small.group_add("ticks", slow_reader)
for n in range(5):
    await small.group_send("ticks", {"type": "tick", "n": 100 + n})
print("group_send: 5 calls returned normally")

queued = []
with contextlib.suppress(TimeoutError):
    while True:
        queued.append((await asyncio.wait_for(small.receive(slow_reader), timeout=0.1))["n"])
print("what the reader finds:", queued)

# %% [markdown]
# The reader finds the three messages `send` got in; the five group messages (100–104) are
# gone, and nothing told anyone. Notebook 12 measures how much a burst loses. The fixes: a
# bigger capacity, a faster reader, or a protocol where the client notices gaps.

# %% [markdown]
# ## Two processes: the in-memory layer cannot reach across
#
# Production runs several server processes, so Alice and Bob may be connected to different
# ones. The in-memory layer is a dict inside one Python process. Here daphne serves `rooms`
# with the demo's in-memory layer; this kernel is a second process with a layer of its own.

# %%
from websockets.asyncio.client import connect


async def heard(client, timeout=5):
    """The next chat message on a websockets client, or say that none came."""
    try:
        return json.loads(await asyncio.wait_for(client.recv(), timeout))["message"]
    except TimeoutError:
        return f"nothing within {timeout} s"


with run_daphne("lesson:rooms") as server:
    async with connect(server.ws_url("/ws/rooms/lobby/")) as alice:
        await alice.send(json.dumps({"message": "hello, lobby"}))
        print("Alice (on daphne) heard:", await heard(alice))
        await layer.group_send("room.lobby", {"type": "chat.message", "message": "from the kernel"})
        print("Alice (on daphne) heard:", await heard(alice, timeout=0.3))

# %% [markdown]
# Alice heard herself, through daphne's layer, but not the kernel's `group_send`: the group
# `room.lobby` in this process has no idea that Alice exists in the other. The in-memory layer
# is for tests and a single process only.

# %% [markdown]
# ## Redis: one layer shared by every process
#
# Every process that should share groups needs the same Redis layer in its settings. This is
# the settings module the daphnes and the worker of this notebook use, a module of its own
# (`settings_redis`) built from the cell:

# %%
# %%lesson settings_redis
from demo_project.settings import *  # noqa: F403 - the demo's settings, then one change:

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": REDIS_URL or "redis://127.0.0.1:6379", "socket_timeout": None}]},  # noqa: F405
    }
}

# %% [markdown]
# `REDIS_URL` comes from the environment (the demo's settings read it); each daphne below gets
# the URL of a throw-away `redis-server` and `DJANGO_SETTINGS_MODULE=settings_redis`. The
# `socket_timeout: None` is explained in the section on idle consumers.
#
# The kernel, as a third process, gets a Redis layer of its own from this helper:

# %%
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer


@contextlib.asynccontextmanager
async def redis_layer(redis, backend=RedisChannelLayer, **config):
    """A channel layer on this redis-server for the block (as another process would have), closed after."""
    made = backend(hosts=[{"address": redis.url, "socket_timeout": None}], **config)
    try:
        yield made
    finally:
        await (made.close_pools() if backend is RedisChannelLayer else made.flush())

# %% [markdown]
# `redis_layer` builds the same kind of layer as `settings_redis`, with extra settings
# (`capacity=10`) passed through, and closes its Redis connections when the block ends.

# %%
with run_redis() as redis:
    on_redis = {"REDIS_URL": redis.url, "DJANGO_SETTINGS_MODULE": "settings_redis"}
    with run_daphne("lesson:rooms", env=on_redis) as daphne_a, \
            run_daphne("lesson:rooms", env=on_redis) as daphne_b:
        async with connect(daphne_a.ws_url("/ws/rooms/lobby/")) as alice, \
                connect(daphne_b.ws_url("/ws/rooms/lobby/")) as bob:
            await alice.send(json.dumps({"message": "anyone there?"}))
            print("Alice (daphne A) heard:", await heard(alice), "| Bob (daphne B) heard:", await heard(bob))
            async with redis_layer(redis) as kernel:
                await kernel.group_send("room.lobby", {"type": "chat.message", "message": "from the kernel"})
            print("Alice (daphne A) heard:", await heard(alice), "| Bob (daphne B) heard:", await heard(bob))

# %% [markdown]
# Bob, on the other process, heard Alice, and both heard the kernel. `group_add` stored each
# membership in Redis, and a `group_send` from any process put the message in every member's
# mailbox there. A view or a management command reaches rooms the same way; in sync code it
# is `async_to_sync(get_channel_layer().group_send)(...)`, as the demo's
# `manage.py announce` does:

# %%
import inspect

from chat.management.commands.announce import Command

print(inspect.getsource(Command.handle))

# %% [markdown]
# Three lines: take the process's layer, send one `chat.message` to the room's group, report.

# %% [markdown]
# ## How channels-redis keeps messages
#
# `RedisChannelLayer` stores a channel's messages in a Redis **sorted set** scored by send time
# (`ZADD`, `channels_redis/core.py` `send`), and a receiver waits with **`BZPOPMIN`**, a
# blocking pop of the oldest entry, for at most 5 s per call (`brpop_timeout = 5`; the name is
# older than the code). Watch a waiting `receive` from Redis's side:

# %%
from redis.asyncio import Redis

with run_redis() as redis:
    peek = Redis.from_url(redis.url)
    async with redis_layer(redis) as waiter:
        waiting = asyncio.ensure_future(waiter.receive(await waiter.new_channel()))
        async with asyncio.timeout(5):  # until the receive has sent its command
            while "bzpopmin" not in (running := sorted(c["cmd"] for c in await peek.client_list())):
                await asyncio.sleep(0.01)
        print("commands Redis is running:", running)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
    await peek.aclose()

# %% [markdown]
# Besides our own `client|list`, Redis is running one `bzpopmin`: the layer's `receive`,
# blocked until a message comes or 5 s pass. When the 5 s pass with no message, the receive
# does not return: it sends `BZPOPMIN` again. `brpop_timeout` is a class attribute, so one
# layer object can have a shorter one; Redis counts the calls of each command
# (`INFO commandstats`):

# %%
with run_redis() as redis:
    peek = Redis.from_url(redis.url)
    async with redis_layer(redis) as waiter:
        waiter.brpop_timeout = 0.1  # instead of 5 s, for this layer object only
        waiting = asyncio.ensure_future(waiter.receive(await waiter.new_channel()))
        await asyncio.sleep(1)
        calls = (await peek.info("commandstats"))["cmdstat_bzpopmin"]["calls"]
        print(f"after 1 s: BZPOPMIN sent more than once: {calls > 1} | the receive still waits: {not waiting.done()}")
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
    await peek.aclose()

# %% [markdown]
# Each `BZPOPMIN` came back empty after 0.1 s, and the same `receive` sent the next one (the
# `while content is None` loop in `receive_single`, `channels_redis/core.py`), still waiting
# for its message.
#
# A specific channel name is `specific.` + the layer's `client_prefix` + `!` + a random part,
# and the key in Redis is `asgi` + the name up to the `!` only (`non_local_name` in
# `channels/layers.py`).
# So **all channels of one layer share one sorted set**, and its `capacity` counts them all:

# %%
with run_redis() as redis:
    peek = Redis.from_url(redis.url)
    async with redis_layer(redis, capacity=3) as one, redis_layer(redis) as other:
        busy, idle = await one.new_channel(), await one.new_channel()
        print("one layer, two channels, same prefix:", busy.split("!")[0] == idle.split("!")[0])
        print("two layers in this one process, same prefix:", one.client_prefix == other.client_prefix)
        for n in range(3):
            await one.send(busy, {"type": "tick", "n": n})
        try:
            await one.send(idle, {"type": "tick", "n": 0})
        except ChannelFull:
            print("send to the empty channel: ChannelFull")
        keys = await peek.keys("asgi*")
        print("keys in Redis:", len(keys), "| its type:", (await peek.type(keys[0])).decode(),
              "| entries:", await peek.zcard(keys[0]))
    await peek.aclose()

# %% [markdown]
# Three messages to `busy` filled the set that `idle` shares, so a send to the empty `idle`
# raised `ChannelFull`: on Redis, `capacity` limits a process's specific channels *together*.
# And `client_prefix` belongs to a layer *instance* (`uuid4` in `RedisChannelLayer.__init__`):
# two layers in one process got two prefixes. A Django process has one instance, because
# `get_channel_layer()` returns the same object every time (the first cell above).

# %% [markdown]
# ## Where Redis drops messages: a full key, and the receive buffer
#
# `send` raised `ChannelFull` above. `group_send` does not: it adds the message to every
# member's key in one Lua script that skips a key already holding `capacity` entries, and it
# reports the skipped ones only as an `INFO` log line, "N of M channels over capacity"
# (`group_send`, `channels_redis/core.py`). The in-memory section's experiment, on Redis:

# %%
with run_redis() as redis:
    async with redis_layer(redis, capacity=3) as full:
        reader = await full.new_channel()
        await full.group_add("ticks", reader)
        for n in range(5):
            await full.group_send("ticks", {"type": "tick", "n": n})
        print("group_send: 5 calls returned normally")
        queued = []
        with contextlib.suppress(TimeoutError):
            while True:
                queued.append((await asyncio.wait_for(full.receive(reader), 0.1))["n"])
        print("what the reader finds:", queued)

# %% [markdown]
# As in memory, the reader finds the first three and the other two are gone without an error:
# a full key loses a group's messages on Redis too. A second place loses them after they have
# left Redis.
#
# One `BZPOPMIN` on the shared set serves every channel of the process. When it pops a message
# for a channel other than the one being received, the layer puts it in that channel's
# **buffer** in the process's memory: a `BoundedQueue` of `capacity` entries that, when full,
# throws away its *oldest* message, and has no expiry (`channels_redis/core.py`, `BoundedQueue`;
# `# TODO: message expiry?` in `receive_single`). So when one consumer of a process is stuck and
# its neighbours keep reading, its messages leave Redis and are lost in the buffer:

# %%
with run_redis() as redis:
    peek = Redis.from_url(redis.url)
    async with redis_layer(redis, capacity=10) as process, redis_layer(redis) as sender:
        reading, stuck = await process.new_channel(), await process.new_channel()
        await process.group_add("feed", stuck)
        neighbour = asyncio.ensure_future(process.receive(reading))  # a consumer that keeps reading
        for n in range(30):
            await sender.group_send("feed", {"type": "item", "n": n})
        await sender.send(reading, {"type": "for.the.neighbour"})
        print("the neighbour received:", (await asyncio.wait_for(neighbour, 5))["type"],
              "| left in Redis:", await peek.zcard(process.prefix + process.non_local_name(stuck)))
        found = []
        with contextlib.suppress(TimeoutError):
            while True:
                found.append((await asyncio.wait_for(process.receive(stuck), 0.2))["n"])
        print(f"the stuck channel finds {len(found)}: {found[0]}..{found[-1]}; lost: {30 - len(found)}")
    await peek.aclose()

# %% [markdown]
# The neighbour's own message came after the 30, so by the time it arrived its `receive` had
# pulled all 30 out of the shared set, and Redis held none: they were queued for `stuck`. The
# buffer kept the last 10 (20–29) and silently dropped the first 20, with no error on either
# side. That the buffer ignores `expiry` is shown with the other expiry cases below.

# %% [markdown]
# ## The pub/sub layer is not the core layer
#
# `channels_redis.pubsub.RedisPubSubChannelLayer` has the same methods but works differently
# (`channels_redis/pubsub.py`): `send` is a Redis `PUBLISH`, a receiver is a `SUBSCRIBE`, and
# what arrives waits in a plain, unbounded `asyncio.Queue` in the receiving process. So on the
# pub/sub layer a plain channel such as `shouter` is not a queue: every process subscribed to it
# gets every message. The last section runs two `runworker` processes on each layer and counts
# how often one job runs.
#
# Queuing differs too. The pub/sub layer's `new_channel()` subscribes at once, and messages then
# pile up in memory whether or not anyone calls `receive` (until a `receive` is cancelled, shown
# next); the `capacity` setting is accepted and
# ignored (`RedisPubSubLoopLayer.__init__` takes it into `**kwargs`). 50 messages to a channel
# that nobody is receiving, with `capacity=10`:

# %%
async def send_50_then_read(layer_):
    mine = await layer_.new_channel()
    kept = read_back = 0
    with contextlib.suppress(ChannelFull):
        for n in range(50):
            await layer_.send(mine, {"type": "tick", "n": n})
            kept += 1
    with contextlib.suppress(TimeoutError):
        while read_back < kept:
            await asyncio.wait_for(layer_.receive(mine), 5)
            read_back += 1
    return f"{kept} of 50 accepted, {read_back} of them read back"


with run_redis() as redis:
    for backend in (RedisPubSubChannelLayer, RedisChannelLayer):
        async with redis_layer(redis, backend, capacity=10) as each:
            print(f"{backend.__name__:24}", await send_50_then_read(each))

# %% [markdown]
# The pub/sub layer took all 50 messages despite `capacity=10` and handed them all back: they
# had waited in the process's memory, which grows without limit under a slow reader. The core
# layer refused the 11th with `ChannelFull`.
#
# That queue lasts only while no `receive` on the channel is cancelled. A cancelled or timed-out
# pub/sub `receive` assumes that its consumer is exiting: it deletes the channel's queue and
# unsubscribes (the `except` in `receive`, `channels_redis/pubsub.py`). A receive with a time
# limit, then a message sent right after it gave up:

# %%
with run_redis() as redis:
    async with redis_layer(redis, RedisPubSubChannelLayer) as each:
        mine = await each.new_channel()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(each.receive(mine), 0.1)
        print("after a receive timed out, the channel's queue is:", "kept" if mine in each.channels else "deleted")
        await each.send(mine, {"type": "note", "text": "after the time-out"})
        await asyncio.sleep(0.1)  # time for Redis to deliver it to any subscriber
        try:
            print("next receive:", await asyncio.wait_for(each.receive(mine), 0.2))
        except TimeoutError:
            print("next receive: nothing within 0.2 s")
        try:
            await each.group_add("room.lobby", mine)
            print("group_add of the channel: accepted")
        except RuntimeError as error:
            print("group_add of the channel: RuntimeError:", str(error).splitlines()[0])

# %% [markdown]
# The timed-out receive removed the queue, so the message sent next went to no subscriber and
# is gone; the next `receive` subscribed again, too late for it. Even `group_add` now refuses the
# channel, as one from another layer. On pub/sub, `asyncio.wait_for(layer.receive(...), ...)`
# is therefore not a harmless poll: giving up ends the channel.
#
# A plain channel, though, is subscribed only by `receive` (`pubsub.py`, `receive`), so on
# pub/sub a message sent to it before anyone receives is gone:

# %%
with run_redis() as redis:
    for backend in (RedisPubSubChannelLayer, RedisChannelLayer):
        async with redis_layer(redis, backend) as each:
            await each.send("later", {"type": "job"})
            try:
                late = await asyncio.wait_for(each.receive("later"), 0.5)
            except TimeoutError:
                late = "nothing within 0.5 s"
            print(f"{backend.__name__:24} a job sent before anyone received 'later': {late}")

# %% [markdown]
# Lost on pub/sub; on the core layer it waited in Redis for its receiver (up to `expiry`).
#
# Another difference: pub/sub groups live in the process. `group_add` accepts only a channel this
# layer object made, where the core layer accepts any valid name:

# %%
with run_redis() as redis:
    for backend in (RedisChannelLayer, RedisPubSubChannelLayer):
        async with redis_layer(redis, backend) as here, redis_layer(redis, backend) as elsewhere:
            try:
                await here.group_add("room.lobby", await elsewhere.new_channel())
                print(f"{backend.__name__:24} group_add of another layer's channel: accepted")
            except RuntimeError as error:
                print(f"{backend.__name__:24} group_add of another layer's channel: RuntimeError:",
                      str(error).splitlines()[0])

# %% [markdown]
# The pub/sub layer refused another layer's channel, a check of its own. Names, though, it
# does not check at all (`group_add` in `channels_redis/pubsub.py`), where the core layer runs
# the name rules of the first section:

# %%
with run_redis() as redis:
    for backend in (RedisChannelLayer, RedisPubSubChannelLayer):
        async with redis_layer(redis, backend) as each:
            mine = await each.new_channel()
            try:
                await each.group_add("user@x.com", mine)
                await each.group_send("user@x.com", {"type": "note", "text": "hi"})
                named = f"accepted, the member got {(await asyncio.wait_for(each.receive(mine), 2))['text']!r}"
            except TypeError as error:
                named = f"{type(error).__name__}"
            print(f"{backend.__name__:24} group_add('user@x.com', ...):", named)

# %% [markdown]
# On the core layer the e-mail address raised `TypeError`; on pub/sub it became a group that
# works. Code written on pub/sub can therefore break when moved to the core or in-memory layer.
#
# So the two layers are not interchangeable: pub/sub suits fan-out to consumers that are
# connected right now, and not channels that several workers share or messages that must wait.

# %% [markdown]
# ## Expiry: messages and memberships time out
#
# The in-memory and the core Redis layer take `expiry` (default 60 s): a message left unread
# that long is thrown away. They take `group_expiry` too (default 86400 s, a day): a membership
# older than that is dropped, so a connection that stays open longer must `group_add` again.
# Here the layers get 1 s, and a measured wait lets them run out. First, the defaults:

# %%
for backend in (InMemoryChannelLayer, RedisChannelLayer):
    made = backend()
    print(f"{backend.__name__:21} expiry {made.expiry} s, group_expiry {made.group_expiry} s, capacity {made.capacity}")

# %% [markdown]
# The two layers share their defaults (building a `RedisChannelLayer` connects to nothing).

# %%
import time


async def leave_unread_and_join(layer_):
    """Send one message that nobody reads, and add one member to the group "brief"."""
    unread, member = await layer_.new_channel(), await layer_.new_channel()
    await layer_.send(unread, {"type": "note", "text": "nobody read me"})
    await layer_.group_add("brief", member)
    return unread, member


async def next_text(layer_, channel):
    try:
        return (await asyncio.wait_for(layer_.receive(channel), 0.6))["text"]
    except TimeoutError:
        return "nothing"


async def after_expiry(layer_, unread, member):
    """What the unread channel holds now, and what the member hears before and after joining again."""
    unread_now = await next_text(layer_, unread)
    await layer_.group_send("brief", {"type": "note", "text": "hello, members"})
    before = await next_text(layer_, member)
    await layer_.group_add("brief", member)
    await layer_.group_send("brief", {"type": "note", "text": "welcome back"})
    return f"unread channel: {unread_now} | member hears: {before} | after group_add again: {await next_text(layer_, member)}"



async def buffer_one(layer_):
    """Have a neighbour's receive pull one message for another channel out of Redis into the buffer."""
    buffered, neighbour = await layer_.new_channel(), await layer_.new_channel()
    await layer_.send(buffered, {"type": "note", "text": "buffered, never read"})
    await layer_.send(neighbour, {"type": "note", "text": "for the neighbour"})
    await asyncio.wait_for(layer_.receive(neighbour), 5)  # pops the older message first, and buffers it
    return buffered

# %% [markdown]
# `leave_unread_and_join` prepares both cases on a layer; `after_expiry` looks at them later.
# `buffer_one` leaves a message in a core layer's receive buffer, as in the previous section.

# %%
with run_redis() as redis:
    async with redis_layer(redis, expiry=1, group_expiry=1) as core, \
            redis_layer(redis, RedisPubSubChannelLayer, expiry=1, group_expiry=1) as pubsub, \
            redis_layer(redis, expiry=1) as buffering, redis_layer(redis, expiry=1) as forgetting:
        layers = {"in-memory": InMemoryChannelLayer(expiry=1, group_expiry=1), "core": core, "pub/sub": pubsub}
        prepared = {name: await leave_unread_and_join(each) for name, each in layers.items()}
        in_buffer = await buffer_one(buffering)
        forgotten = await forgetting.new_channel()  # a member nobody reads; group_expiry stays a day
        await forgetting.group_add("everyone", forgotten)
        await forgetting.group_send("everyone", {"type": "note", "text": "nobody read me"})
        started = time.monotonic()
        await asyncio.sleep(int(time.time()) + 2.05 - time.time())  # past the 2nd whole second after joining
        print(f"waited {time.monotonic() - started:.1f} s")
        found = await asyncio.gather(*(after_expiry(each, *prepared[name]) for name, each in layers.items()))
        for name, line in zip(layers, found):
            print(f"{name:9}", line)
        print("core, a message already in the receive buffer:", await next_text(buffering, in_buffer))
        await forgetting.group_send("everyone", {"type": "note", "text": "still a member"})
        print("core, a forgotten member whose message expired hears:", await next_text(forgetting, forgotten))

# %% [markdown]
# On the in-memory and the core Redis layer the unread message was gone and the old membership
# no longer heard the group; a fresh `group_add` made it hear again. Group expiry counts whole
# seconds (`int(time.time())` in both), which is why the cell waits past the second whole
# second after joining: between 1.05 and 2.05 s. The pub/sub
# layer ignored both settings, as it ignored `capacity`: its message and membership stayed.
# And on the core layer, a message that a neighbour had already pulled into the receive buffer
# outlived `expiry` too: only Redis expires messages, not the buffer. Last line: on the core
# layer a member's expired message leaves the membership alone (where the in-memory layer took
# the channel out of every group, in the first section); the forgotten member still heard the
# group, and would until `group_expiry`.

# %% [markdown]
# ## A trap: idle consumers die when redis-py's read times out
#
# The origin article configures the layer with a plain URL: `"hosts": ["redis://..."]`.
# redis-py 8 gives every connection a default `socket_timeout` of 5 s (`redis/_defaults.py`),
# the same 5 s that the layer's `BZPOPMIN` may block. On a consumer with no traffic the read
# gives up just before Redis answers: `TimeoutError: Timeout reading from ...`, the consumer
# crashes, and daphne closes the WebSocket with **1011** (internal error). This is
# [channels_redis issue 422](https://github.com/django/channels_redis/issues/422).
# First the values each configuration really gets (nothing connects here):

# %%
from channels_redis.utils import create_pool

for label, entry in [("plain URL", "redis://127.0.0.1:6379"),
                     ("settings_redis", {"address": "redis://127.0.0.1:6379", "socket_timeout": None})]:
    connection = create_pool(RedisChannelLayer(hosts=[entry]).hosts[0]).make_connection()
    print(f"{label:14} socket_timeout={connection.socket_timeout}, "
          f"socket_connect_timeout={connection.socket_connect_timeout}")

# %% [markdown]
# The plain URL sets `socket_timeout` to 5 s, the limit on reading a reply (the idle cells above
# show it; `redis/asyncio/connection.py` applies the same limit to sending a command, in
# `send_packed_command`); `socket_timeout: None` removes it, but not the limit on connecting.
# Connecting has a limit of its own, `socket_connect_timeout` (5 s by default,
# `redis/_defaults.py`), which bounds the TCP connect alone: redis-py opens the connection inside
# `async_timeout(self.socket_connect_timeout)` (`redis/asyncio/connection.py`, `_connect`). The
# host dict reaches redis-py as keyword arguments (`create_pool`, `channels_redis/utils.py`), so a
# layer can shorten it. To see it at work we need a port that never answers a connect, rather
# than one that refuses it: a listening socket made with `backlog=0` whose one place in the
# accept queue is taken by a connection that nobody accepts.

# %%
import socket
import time


@contextlib.contextmanager
def silent_port():
    """A listening port whose accept queue (backlog 0) holds one connection that nobody accepts."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener, \
            socket.create_connection(listener.getsockname()):
        yield listener.getsockname()[1]


async def first_send(port, **host):
    """A layer's first send to 127.0.0.1:port (its first connect): how it failed, and when."""
    made = RedisChannelLayer(hosts=[{"address": f"redis://127.0.0.1:{port}", **host}])
    started = time.monotonic()
    try:
        await made.send("jobs", {"type": "job"})
        return "sent"
    except Exception as error:
        return f"{type(error).__name__} after {time.monotonic() - started:.2f} s: {str(error).split('. ')[0]}"
    finally:
        await made.close_pools()

# %% [markdown]
# `silent_port` is that listener; `first_send` is what a consumer's first layer call does. A
# port with no listener, then the silent one, with a 0.3 s connect limit:

# %%
with socket.socket() as bound_only, silent_port() as silent:
    bound_only.bind(("127.0.0.1", 0))  # a port nobody listens on: the kernel refuses the connect
    print("nobody listens:", await first_send(bound_only.getsockname()[1], socket_connect_timeout=0.3))
    print("never answers: ", await first_send(silent, socket_connect_timeout=0.3))

# %% [markdown]
# The refused connect failed at once with `ConnectionError`. The silent port neither refused
# nor completed the connect: it hung until the limit, then redis-py raised
# `TimeoutError: Timeout connecting to server`, after 0.3 s. Now the same first send with the
# host dict of `settings_redis`, which leaves `socket_connect_timeout` out (a measured wait):

# %%
with silent_port() as silent:
    started = time.monotonic()
    outcome = await first_send(silent, socket_timeout=None)
    waited = time.monotonic() - started
print("settings_redis's host dict:", outcome)
print(f"gave up after about 5 s: {4.5 < waited < 6}")

# %% [markdown]
# With no `socket_connect_timeout` in the host dict, redis-py's default applied: the send gave up
# after 5 s, one connect attempt and no retry (a pool's connection retries only when told to,
# `Retry(NoBackoff(), 0)` in `redis/asyncio/connection.py`). So while the Redis address does not
# answer connects, a layer call that has to connect waits 5 s before it fails, unless the host
# dict sets a shorter `socket_connect_timeout`.
#
# Any read timeout shorter than the 5 s `BZPOPMIN` kills an idle consumer the same way as the
# plain URL. A daphne that waits out 5 s before it fails is slow to watch, so this settings module
# uses 1 s; the plain URL itself is shown in the kernel, beside it:

# %%
# %%lesson settings_short_timeout
from settings_redis import *  # noqa: F403 - as settings_redis, but reads time out after 1 s

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": REDIS_URL or "redis://127.0.0.1:6379", "socket_timeout": 1}]},  # noqa: F405
    }
}

# %% [markdown]
# `settings_short_timeout` is `settings_redis` with one value changed: `socket_timeout` 1
# instead of `None`.

# %%
from redis.exceptions import TimeoutError as RedisTimeoutError


async def idle_until_closed(server, limit):
    """Connect to a room and say nothing: how the connection ended, or that it is open after `limit` s."""
    async with connect(server.ws_url("/ws/rooms/idle/")) as client:
        try:
            await asyncio.wait_for(client.wait_closed(), limit)
        except TimeoutError:
            return f"still open after {limit} s"
        return f"closed by daphne with code {client.close_code}"


async def idle_receive(layer_, seconds):
    """What a receive on a channel that gets no message does for `seconds`; the layer is closed after."""
    started = time.monotonic()
    try:
        await asyncio.wait_for(layer_.receive(await layer_.new_channel()), seconds)
    except RedisTimeoutError as error:
        return f"redis-py raised TimeoutError after {time.monotonic() - started:.1f} s: {error}"
    except TimeoutError:
        return f"still waiting after {seconds} s, no error"
    finally:
        await layer_.close_pools()

# %% [markdown]
# `idle_until_closed` is a silent client over daphne; `idle_receive` does what a consumer's
# layer does between messages, here in the kernel. All three idle at once: daphne on
# `settings_short_timeout`, and in the kernel a layer on the plain URL and one with
# `socket_timeout: None` (a measured wait of 5.5 s):

# %%
short_timeout = {"DJANGO_SETTINGS_MODULE": "settings_short_timeout"}
with run_redis() as redis, run_daphne("lesson:rooms", env={"REDIS_URL": redis.url, **short_timeout}) as short:
    plain_url = RedisChannelLayer(hosts=[redis.url])  # the origin article's configuration
    no_read_limit = RedisChannelLayer(hosts=[{"address": redis.url, "socket_timeout": None}])
    started = time.monotonic()
    on_daphne, with_plain_url, with_none = await asyncio.gather(
        idle_until_closed(short, 5), idle_receive(plain_url, 5.5), idle_receive(no_read_limit, 5.5))
    print(f"idle for {time.monotonic() - started:.1f} s")
    crash = [line for line in short.output.splitlines() if line.startswith("redis.exceptions.TimeoutError")]
print("daphne with socket_timeout 1:", on_daphne, "| its log:", crash[-1])
print("a receive on the plain URL:", with_plain_url)
print("a receive with socket_timeout None:", with_none)

# %% [markdown]
# The silent client of the 1-second daphne was closed with 1011, and its daphne logged
# redis-py's `TimeoutError` (the close came up to a second after the crash: daphne looks for
# finished applications once a second). In the kernel, the plain URL's `receive` died after
# 5 s the same way: redis-py's read gave up before Redis's 5 s `BZPOPMIN`
# answered, the race named at the top of this section. The `receive` on a layer with
# `socket_timeout: None` was still waiting after 5.5 s, without error: with no read timeout,
# redis-py waits as long as `BZPOPMIN` blocks, and when that returns empty after 5 s the layer
# sends it again, as the 0.1 s layer showed in the section on how channels-redis keeps
# messages. That one key in the host dict is the fix, as in `settings_redis`:
#
# ```python
# "hosts": [{"address": REDIS_URL, "socket_timeout": None}]
# ```

# %% [markdown]
# ## A background worker: `ChannelNameRouter` and `runworker`
#
# Slow jobs (sending e-mail, resizing images, calling an API) should not run inside a chat
# consumer. Give them a **named channel** and a worker process that listens on it.
# `ShoutWorker` is a consumer for one: `"type": "shout"` runs its method `shout`, which passes
# the text on to a room, in capitals.

# %%
# %%lesson
class ShoutWorker(AsyncConsumer):
    """On the channel "shouter": {"type": "shout", "room": ..., "text": ...} reaches that room in capitals."""

    async def shout(self, event):
        await self.channel_layer.group_send(
            "room." + event["room"],
            {"type": "chat.message", "message": event["text"].upper(), "worker": os.getpid()},
        )

# %% [markdown]
# A worker has no WebSocket: it only has a channel layer, and `self.channel_layer.group_send`
# reaches the rooms that `RoomConsumer`s joined.

# %%
# %%lesson
application = ProtocolTypeRouter(
    {
        "websocket": rooms,
        "channel": ChannelNameRouter({"shouter": ShoutWorker.as_asgi()}),
    }
)

# %% [markdown]
# `ChannelNameRouter` is the router for the `"channel"` protocol: it picks the consumer by the
# channel named in the scope. `manage.py runworker shouter` receives from the channel `shouter`
# and feeds every message to one instance of the project's `ASGI_APPLICATION`, started with the
# scope `{"type": "channel", "channel": "shouter"}` (`channels/worker.py`), so `settings_redis`
# points there:

# %%
# %%lesson settings_redis
ASGI_APPLICATION = "lesson.application"  # what runworker runs

# %% [markdown]
# This cell added one line to the module `settings_redis`; the daphnes above did not need it.
# Now a worker process on `shouter`, with this kernel as a member of the lobby:

# %%
from channels_lab.processes import run_worker

with run_redis() as redis, run_worker(["shouter"], env={"REDIS_URL": redis.url, "DJANGO_SETTINGS_MODULE": "settings_redis"}) as worker:
    async with redis_layer(redis) as kernel:
        lobby_member = await kernel.new_channel()
        await kernel.group_add("room.lobby", lobby_member)
        await kernel.send("shouter", {"type": "shout", "room": "lobby", "text": "wake up"})
        shout = await asyncio.wait_for(kernel.receive(lobby_member), 10)
    print("the lobby got:", shout["message"], "| signed by the worker process:", shout["worker"] == worker.process.pid)

# %% [markdown]
# This kernel sent one message to the channel `shouter`; the worker process received it,
# ran `ShoutWorker.shout`, and its `group_send` came back to the kernel's member of
# `room.lobby`, in capitals, with the worker's process id. `shouter` has no `!`, so it belongs
# to no process: any number of workers can wait on it. How they share its jobs depends on the
# layer, the last section's topic.

# %% [markdown]
# ## Two workers on one channel: shared on the core layer, copied on pub/sub
#
# To run more jobs at once, start more workers on the same channel. Whether that shares the jobs
# depends on the layer. A second settings module puts the workers on the pub/sub layer:

# %%
# %%lesson settings_pubsub
from settings_redis import *  # noqa: F403 - as settings_redis, but on the pub/sub layer

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [{"address": REDIS_URL or "redis://127.0.0.1:6379", "socket_timeout": None}]},  # noqa: F405
    }
}

# %% [markdown]
# Only `BACKEND` differs from `settings_redis`. `run_workers` starts several `runworker`
# processes side by side (one per environment given). Four workers on one redis-server, two per
# layer. The kernel joins the lobby on each layer, sends 40 jobs at once, and notes which
# worker process signed each shout:

# %%
from channels_lab.processes import run_workers


SLOW = 30  # seconds: only a stalled machine waits this long; hitting it raises, it is no layer verdict


async def who_ran(kernel, runs, jobs=40):
    """Join the lobby, send `jobs` shout jobs to "shouter" at once: each job's list of worker pids, one per run.

    Waits up to SLOW s for each shout while a job has fewer than `runs` runs (longer raises TimeoutError),
    then until 0.5 s passes without one.
    """
    member = await kernel.new_channel()
    await kernel.group_add("room.lobby", member)
    for n in range(jobs):
        await kernel.send("shouter", {"type": "shout", "room": "lobby", "text": f"job {n}"})
    ran = {f"JOB {n}": [] for n in range(jobs)}
    while True:
        short = [job for job, pids in ran.items() if len(pids) < runs]
        try:
            shout = await asyncio.wait_for(kernel.receive(member), SLOW if short else 0.5)
        except TimeoutError:
            if short:
                raise TimeoutError(f"{len(short)} jobs had fewer than {runs} runs, and no shout came for {SLOW} s: "
                                   "the workers stalled (a slow machine?); this is no result about the layer") from None
            return ran
        ran[shout["message"]].append(shout["worker"])


def summary(ran, workers):
    """What `who_ran` found, against the pids of the workers started on this layer."""
    pids = {worker.process.pid for worker in workers}
    return (f"every job ran: {all(ran.values())}"
            f" | on this layer's two workers: {set().union(*ran.values()) == pids}"
            f" | each job on both: {all(set(runs) == pids for runs in ran.values())}")


async def until_workers_wait(redis):
    """Until both core workers block in BZPOPMIN and both pub/sub workers have subscribed to "shouter"."""
    peek = Redis.from_url(redis.url)
    try:
        async with asyncio.timeout(SLOW):
            while (sum(client["cmd"] == "bzpopmin" for client in await peek.client_list()) < 2
                   or (await peek.pubsub_numsub("shouter"))[0][1] < 2):
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise TimeoutError(f"the four workers were not all listening after {SLOW} s (a slow machine?)") from None
    finally:
        await peek.aclose()

# %% [markdown]
# `who_ran` sends the burst and collects the signatures: it waits for `runs` runs of every job
# (one on the core layer; two on pub/sub, one per subscribed worker), and then for any extra.
# `summary` compares them with the pids of the layer's own two workers; `until_workers_wait`
# holds the jobs back until all four workers are listening. A wait that runs out raises
# `TimeoutError` saying so, rather than printing a `False` that would look like a finding.

# %%
with run_redis() as redis:
    on = {name: {"REDIS_URL": redis.url, "DJANGO_SETTINGS_MODULE": name} for name in ("settings_redis", "settings_pubsub")}
    with run_workers(["shouter"], [on["settings_redis"]] * 2 + [on["settings_pubsub"]] * 2) as workers:
        await until_workers_wait(redis)
        layers = [(RedisChannelLayer, workers[:2], 1), (RedisPubSubChannelLayer, workers[2:], 2)]
        for backend, its_workers, runs in layers:
            async with redis_layer(redis, backend) as kernel:
                print(f"{backend.__name__:24}", summary(await who_ran(kernel, runs), its_workers))

# %% [markdown]
# On both layers every job ran, and only on that layer's two workers: the two layers use
# different Redis commands, so neither saw the other's jobs. On the pub/sub layer each job ran
# on both workers: `send` is a `PUBLISH`, and Redis gives it to every subscriber
# (`channels_redis/pubsub.py`, `send` and `receive`). On the core layer the jobs were shared:
# both workers ran jobs, but not every job ran on both, because `shouter` is a sorted set (the
# Redis key `asgishouter`: the layer's prefix `asgi` and the name) and each `BZPOPMIN` takes a job
# out for one worker. Some jobs may still run twice, though each was sent once: in six runs of
# this burst, 4 to 12 of the 40 did. The cell does not print that count, which changes from run
# to run and could be zero. Right after its `BZPOPMIN`, a worker copies the job to a backup set,
# `asgishouter$inflight`, and a task of its own a moment later pops the oldest entry of that set;
# and before every `BZPOPMIN`, a receive moves whatever is in that backup set back into the
# channel (`_brpop_with_clean` and `receive_single`, `channels_redis/core.py`). The backup set
# is shared by every process, so a second worker can put back a job the first is running. That
# takes a receive starting at the right moment, a race; held still, the moment between the two
# steps always gives the same result:

# %%
with run_redis() as redis:
    async with redis_layer(redis) as worker_a, redis_layer(redis) as worker_b:
        await worker_a.send("shouter", {"type": "shout", "room": "lobby", "text": "once?"})
        taken = await worker_a._brpop_with_clean(0, worker_a.prefix + "shouter", timeout=1)  # its BZPOPMIN, before the clean-up
        print("worker A took:        ", worker_a.deserialize(taken))
        print("worker B then receives:", await asyncio.wait_for(worker_b.receive("shouter"), 2))

# %% [markdown]
# Worker A had the job, and worker B's next receive got it again, because B's clean-up found it
# in the backup set. That clean-up is the only place where the layer puts a job back into a
# channel, so this is how a burst such as the one above runs some jobs more than once: a
# worker's receive starts while the other worker's job is between its two steps
# ([channels_redis issue 163](https://github.com/django/channels_redis/issues/163) describes
# it). So on the core layer a shared channel spreads its jobs over the workers but may run one
# twice, and the pub/sub layer runs every job on every worker: use the core layer for a work
# queue, and write jobs that may run twice without harm (check whether the e-mail went out
# before sending it).

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
