# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 · How does `"chat.message"` become `chat_message`?
#
# In notebook 07, `group_send(..., {"type": "chat.message", ...})` ended up running a method
# called `chat_message` on every member. No registry links the two, only a naming rule.
# This notebook traces that rule live, shows each way it can fail, and ends with what goes
# wrong when a *client* gets to choose the type.

# %%
from channels_lab import check, run_daphne, setup_django

setup_django()

# %% [markdown]
# ## The shortest example
#
# `channels.consumer.get_handler_name` turns a message's `"type"` into a method name: every
# `.` becomes `_`.

# %%
from channels.consumer import get_handler_name

for event_type in ["chat.message", "websocket.receive", "websocket.disconnect", "shop.order.paid"]:
    print(f"{event_type!r:26} -> {get_handler_name({'type': event_type})}")

# %% [markdown]
# That is the whole rule. Protocol events from the server (`websocket.connect`,
# `websocket.receive`, `websocket.disconnect`) are dispatched the same way as your own events,
# which is how `WebsocketConsumer` gets its `websocket_receive` method called.

# %% [markdown]
# ## The mechanism, traced
#
# A consumer's `dispatch(message)` calls `get_handler_name`, looks that attribute up with
# `getattr`, and awaits it. The consumers of this notebook are written in `%%lesson` cells:
# each runs here *and* becomes part of a module `lesson` that daphne can serve. First the
# imports they share:

# %%
# %%lesson
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from django.urls import path

# %% [markdown]
# `TracingConsumer` records each dispatch before passing it on to the base class. On connect
# it tells the client its channel name, so this notebook can send it an event through the
# layer, as another consumer would.

# %%
# %%lesson
class TracingConsumer(AsyncJsonWebsocketConsumer):
    """Records every event it dispatches (type -> handler name); one app handler, chat_message."""

    trace = []

    async def dispatch(self, message):
        try:
            name = get_handler_name(message)
        except ValueError as error:
            name = f"ValueError: {error}"
        self.trace.append((message.get("type"), name))
        await super().dispatch(message)

    async def connect(self):
        await self.accept()
        await self.send_json({"channel_name": self.channel_name})

    async def chat_message(self, event):
        await self.send_json({"chat": event["text"]})


# %% [markdown]
# Notice `dispatch`: it is the one door every event goes through, from the client or from the
# layer. Now a client connects and the layer sends it a `chat.message`:

# %%
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

layer = get_channel_layer()
client = WebsocketCommunicator(TracingConsumer.as_asgi(), "/ws/trace/")
await client.connect()
its_channel = (await client.receive_json_from())["channel_name"]

await layer.send(its_channel, {"type": "chat.message", "text": "hi from the layer"})
print("client got:", await client.receive_json_from())
for event_type, handler in TracingConsumer.trace:
    print(f"dispatched {event_type!r:20} -> {handler}")

# %% [markdown]
# The trace has two entries. The client's connect arrived as `websocket.connect` and ran
# `websocket_connect`, which the base class implements (it calls your `connect()`). The
# layer's `chat.message` then ran our `chat_message`. Both kinds of event reach `dispatch`
# the same way: a consumer waits on its client *and* its channel at once.

# %% [markdown]
# ## Three ways it fails
#
# **1. No `type`.** There is nothing to look up, so `get_handler_name` raises `ValueError`.
#
# **2. A leading underscore.** A type such as `_secret` would reach private methods, so it is
# refused. The check runs *after* the dots are replaced, so `.secret` is refused as well. The
# origin article quotes an older version that tested the raw type with
# `message["type"].startswith("_")`, and that version let `.secret` through to `_secret`.

# %%
for message in [{"text": "no type at all"}, {"type": "_secret"}, {"type": ".secret"}]:
    try:
        print(get_handler_name(message))
    except ValueError as error:
        print(f"{message} -> ValueError: {error}")

# %% [markdown]
# All three were refused with a `ValueError` that says why.
#
# **3. A type with no method.** `dispatch` raises `ValueError("No handler for message type
# ...")`. The exception escapes the consumer, so **the consumer dies**. Here the same
# consumer gets an event it has no handler for:

# %%
await layer.send(its_channel, {"type": "chat.typo", "text": "oops"})
try:
    await client.wait(timeout=1)  # until the consumer's task ends; its exception is raised here
except ValueError as error:
    print("the consumer raised:", error)
print("consumer finished:", client.future.done())

# %% [markdown]
# One misspelt type (`chat.typo` where the method is `chat_message`) ended the consumer.
# In a group the same typo reaches every member. `TypoRoom` puts every client in one group and
# forwards what one sends, under a type that is one letter off its handler's name:

# %%
# %%lesson
class TypoRoom(AsyncJsonWebsocketConsumer):
    """Every member of group "typo" should hear what one member says; the event type has a typo."""

    group = "typo"

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send(self.group, {"type": "chat.mesage", "text": content["text"]})

    async def chat_message(self, event):
        await self.send_json({"chat": event["text"]})


# %% [markdown]
# The type says `chat.mesage`, so the method looked up is `chat_mesage`, which does not exist.
# daphne serves the lesson module's `application`, a router with one route:

# %%
# %%lesson
application = URLRouter([path("ws/typo/", TypoRoom.as_asgi())])

# %% [markdown]
# Three clients join the room over a real daphne, and the first one says hello:

# %%
import asyncio
import json

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

with run_daphne("lesson:application") as server:
    members = [await connect(server.ws_url("/ws/typo/")) for _ in range(3)]
    await members[0].send(json.dumps({"text": "hello"}))
    for number, member in enumerate(members, 1):
        try:
            print(f"member {number} got", await asyncio.wait_for(member.recv(), timeout=3))
        except ConnectionClosed as closed:
            print(f"member {number}: closed by the server with code {closed.rcvd.code}")

# %% [markdown]
# All three members were closed with **1011** (internal error), the sender too: each consumer
# looked up `chat_mesage`, raised, and died. daphne checks its applications about once a
# second; when one has ended with an exception it logs the traceback and closes that
# connection with 1011 (`daphne/server.py`, `application_checker`; `daphne/ws_protocol.py`,
# `handle_exception`). When you add an event type, add its handler in the same change, and
# test it.

# %% [markdown]
# ## Why application events are namespaced
#
# The server's own events use the `websocket.` prefix, and the consumer's base class has
# handlers for them: `websocket_connect`, `websocket_receive`, `websocket_disconnect`. If an
# application event were called `websocket.disconnect`, or plainly `disconnect`, it would run
# one of those methods, or clash with the `disconnect()` hook you write. Giving your own
# events a prefix (`chat.`, `relay.`, `team.`) keeps your handlers apart from the protocol's.
# It also keeps them apart from each other's when several apps share a consumer. The next
# section shows a client calling `websocket_disconnect` this way.

# %% [markdown]
# ## Security: never let the client choose the type
#
# A relay room: every member of group `relay` hears the others through `relay_message`. The
# room also has a handler meant only for the server, `relay_announce`, which shows a message
# "from the ADMINS".

# %%
# %%lesson
class RelayRoom(AsyncJsonWebsocketConsumer):
    """Members of group "relay" hear each other; the server alone may announce."""

    group = "relay"

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def relay_message(self, event):
        await self.send_json({"from": "a member", "text": event["text"]})

    async def relay_announce(self, event):
        """Meant for the server only (for example a management command)."""
        await self.send_json({"from": "the ADMINS", "text": event["text"]})


# %% [markdown]
# Two ways to pass on what a member sends, side by side. The unsafe one takes a shortcut that
# is easy to write: the client's JSON becomes the event, with a default type. The safe one
# builds the event itself.

# %%
# %%lesson
class UnsafeRelayConsumer(RelayRoom):
    """DO NOT COPY: the client's JSON becomes the event, "type" included."""

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send(self.group, {"type": "relay.message", **content})


class SafeRelayConsumer(RelayRoom):
    """The server writes the event: a fixed type, and only the field it checked."""

    async def receive_json(self, content, **kwargs):
        text = content.get("text") if isinstance(content, dict) else None
        if not isinstance(text, str):
            await self.send_json({"error": 'send {"text": "..."}'})
            return
        await self.channel_layer.group_send(self.group, {"type": "relay.message", "text": text})


# %% [markdown]
# In `UnsafeRelayConsumer` a `type` in the client's JSON overwrites `"relay.message"`, because
# `**content` comes after it. `SafeRelayConsumer` copies one checked string and nothing else.
# A room of two, Alice and Mallory, for either consumer:

# %%
async def room_of_two(consumer):
    alice = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    mallory = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    await alice.connect()
    await mallory.connect()
    return alice, mallory

# %% [markdown]
# Mallory sends JSON that carries a `type` of her choosing, first to the unsafe room:

# %%
alice, mallory = await room_of_two(UnsafeRelayConsumer)
await mallory.send_json_to({"type": "relay.announce", "text": "Maintenance: reply with your password"})
print("alice sees:", await alice.receive_json_from())

await mallory.send_json_to({"type": "websocket.disconnect", "code": 1000})
await alice.receive_nothing(timeout=0.3)
print("alice's consumer finished:", alice.future.done())

# %% [markdown]
# With the unsafe consumer, Mallory did two things:
#
# - Her text reached Alice as an announcement "from the ADMINS", because the client-chosen
#   `relay.announce` ran the server-only handler on every member.
# - `websocket.disconnect` ran every member's `websocket_disconnect`. That method leaves the
#   groups and raises `StopConsumer`, so Alice's consumer stopped, with no error.
#
# Any handler on the consumer can be called this way, including ones added later by someone
# who does not know about the relay. What does Alice's *client* see of the stopped consumer? A
# router puts the unsafe room on a URL, for daphne:

# %%
# %%lesson
relay = URLRouter([path("ws/relay/", UnsafeRelayConsumer.as_asgi())])

# %% [markdown]
# Over a real daphne, Mallory sends the same `websocket.disconnect`; a moment later Alice pings
# and speaks. The daphne runs with `--websocket_timeout 3`, so the end of the story fits in the
# cell:

# %%
import time


async def next_frame(websocket, timeout):
    """The next frame, or how the wait ended."""
    try:
        return await asyncio.wait_for(websocket.recv(), timeout)
    except TimeoutError:
        return f"nothing within {timeout} s"
    except ConnectionClosed as closed:
        return f"closed by the server with code {closed.rcvd.code}"


with run_daphne("lesson:relay", args=("--websocket_timeout", "3")) as server:
    async with connect(server.ws_url("/ws/relay/")) as alice, connect(server.ws_url("/ws/relay/")) as mallory:
        opened = time.monotonic()
        await mallory.send(json.dumps({"type": "websocket.disconnect", "code": 1000}))
        await asyncio.sleep(1.2)  # past daphne's once-a-second look at finished applications
        await asyncio.wait_for(await alice.ping(), 1)
        print("alice's socket:", alice.state.name, "| her ping got its pong")
        await alice.send(json.dumps({"text": "anyone there?"}))
        print("an answer to her message:", await next_frame(alice, 0.5))
        print("then:", await next_frame(alice, 5), f"| {time.monotonic() - opened:.1f} s after opening")

# %% [markdown]
# For as long as daphne kept the connection, Alice's socket was `OPEN` and her ping got its pong
# (daphne's WebSocket protocol, autobahn, answers pings, not the consumer), but her message got no answer: daphne queues each frame for the application (`daphne/ws_protocol.py`,
# `onMessage`), and the application had returned. Returning without an error is not a crash,
# so daphne did not close with 1011 as it did for the typo; it reaped the application and kept
# the socket (`daphne/server.py`, `application_checker`). Only `websocket_timeout` closed it,
# with 1000, and its default is 86400 s, a day (`daphne/cli.py`). Until then, a client that
# waits for replies just sees silence. The same two messages to the safe room, and a JSON
# array that is not an object at all:

# %%
alice, mallory = await room_of_two(SafeRelayConsumer)
await mallory.send_json_to({"type": "relay.announce", "text": "Maintenance: reply with your password"})
print("alice sees:", await alice.receive_json_from())
print("mallory sees:", await mallory.receive_json_from())

for attempt in ({"type": "websocket.disconnect", "code": 1000}, ["hi"], None):
    await mallory.send_json_to(attempt)
    print(f"mallory sent {attempt}, got:", await mallory.receive_json_from())
print("alice's consumer finished:", alice.future.done())
for each in (alice, mallory):
    await each.disconnect()

# %% [markdown]
# Mallory's `type` was ignored. Her text arrived as an ordinary member's message, and the
# attempts without a `text` string, or not an object at all, got an error, sent to Mallory
# alone. Alice kept her connection.
#
# ## Several kinds of message: an allow-list
#
# If a client needs several kinds of messages, let it name an `action` and map each allowed
# action to a type the server chose. Anything not on the list is refused:

# %%
# %%lesson
class ActionRelayConsumer(RelayRoom):
    """The client names an action; the server maps it to an event type it chose, or refuses."""

    actions = {"say": "relay.message", "wave": "relay.wave"}

    async def receive_json(self, content, **kwargs):
        action = content.get("action") if isinstance(content, dict) else None
        if action not in self.actions:
            await self.send_json({"error": f"unknown action; try one of {sorted(self.actions)}"})
            return
        await self.channel_layer.group_send(
            self.group, {"type": self.actions[action], "text": str(content.get("text", ""))})

    async def relay_wave(self, event):
        await self.send_json({"from": "a member", "waves": True})


# %% [markdown]
# The keys of `actions` are the only strings a client can pick, and the values are the only
# types that can reach the group. Mallory tries a listed action, then the announcement:

# %%
alice, mallory = await room_of_two(ActionRelayConsumer)
await mallory.send_json_to({"action": "wave"})
print("alice sees:", await alice.receive_json_from())
await mallory.receive_json_from()  # her own wave

for attempt in ({"action": "relay.announce", "text": "Maintenance"}, {"action": "announce"}):
    await mallory.send_json_to(attempt)
    print(f"mallory sent {attempt}, got:", await mallory.receive_json_from())
print("alice got nothing more:", await alice.receive_nothing(timeout=0.3))
for each in (alice, mallory):
    await each.disconnect()

# %% [markdown]
# The wave went through as `relay.wave`; both ways of asking for an announcement were refused,
# and Alice heard nothing of them. The client's string chose an entry in the server's table,
# never a method name.

# %% [markdown]
# ## Exercises
#
# **ex15 · The naming rule.** In `exercises/ex15_handler_name.py`, write
# `handler_name(message)`. It must follow the rule Channels 4 uses, including the errors, and
# the old article's version is not enough.

# %%
check("ex15")

# %% [markdown]
# **ex16 · A relay the client cannot steer.** In `exercises/ex16_safe_relay.py`, write
# `SafeRelay.receive_json` so that a client's message reaches the room as text and nothing
# else. The event you send to the group is yours: a fixed type and the checked text, none of
# the client's other fields. Bad input, including JSON that is not an object (`["hi"]`,
# `null`), gets an error reply to the sender alone.

# %%
check("ex16")
