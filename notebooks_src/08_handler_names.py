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
from channels_lab import check, setup_django

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
# `getattr`, and awaits it. `lessons.nb08_handlers.TracingConsumer` records each dispatch
# before passing it on. On connect it tells the client its channel name, so this notebook
# can send it an event through the layer, as another consumer would.

# %%
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from lessons.nb08_handlers import TracingConsumer

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
# ...")`. The exception escapes the consumer, so **the consumer dies**. Over a real server the
# client sees close code 1011, and every later event for it goes nowhere. Here the same
# consumer gets an event it has no handler for:

# %%
await layer.send(its_channel, {"type": "chat.typo", "text": "oops"})
try:
    await client.receive_output(timeout=1)
except ValueError as error:
    print("the consumer raised:", error)
print("consumer still running?", not client.future.done())

# %% [markdown]
# One misspelt type (`chat.typo` where the method is `chat_message`) ended the connection.
# A typo like that in a `group_send` kills every member of the group at once. When you add an
# event type, add its handler in the same change, and test it.

# %% [markdown]
# ## Why application events are namespaced
#
# The server's own events use the `websocket.` prefix, and the consumer's base class has
# handlers for them: `websocket_connect`, `websocket_receive`, `websocket_disconnect`. If an
# application event were called `websocket.disconnect`, or plainly `disconnect`, it would run
# one of those methods, or clash with the `disconnect()` hook you write. Giving your own
# events a prefix (`chat.`, `relay.`, `team.`) keeps your handlers apart from the protocol's.
# It also keeps them apart from each other's when several apps share a consumer.

# %% [markdown]
# ## Security: never let the client choose the type
#
# `UnsafeRelayConsumer` takes a shortcut that is easy to write: it forwards the client's JSON
# into `group_send` and adds a default type, `{"type": "relay.message", **content}`. The room
# also has a handler meant only for the server, `relay_announce`, which shows a message
# "from the ADMINS". Mallory sends JSON that carries a `type` of her choosing:

# %%
from lessons.nb08_handlers import SafeRelayConsumer, UnsafeRelayConsumer


async def room_of_two(consumer):
    alice = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    mallory = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    await alice.connect()
    await mallory.connect()
    return alice, mallory


alice, mallory = await room_of_two(UnsafeRelayConsumer)
await mallory.send_json_to({"type": "relay.announce", "text": "Maintenance: reply with your password"})
print("alice sees:", await alice.receive_json_from())

await mallory.send_json_to({"type": "websocket.disconnect", "code": 1000})
await alice.receive_nothing(timeout=0.3)
print("alice's consumer still running?", not alice.future.done())

# %% [markdown]
# With the unsafe consumer, Mallory did two things:
#
# - Her text reached Alice as an announcement "from the ADMINS", because the client-chosen
#   `relay.announce` ran the server-only handler on every member.
# - `websocket.disconnect` ran every member's `websocket_disconnect`. That method leaves the
#   groups and raises `StopConsumer`, so Alice's consumer stopped. Her socket may still look
#   open, but nothing will ever reach it.
#
# Any handler on the consumer can be called this way, including ones added later by someone
# who does not know about the relay.
#
# The safe consumer builds the event itself. The type is fixed in the code, and only checked
# fields are copied from the client's message:
#
# ```python
# text = content.get("text")
# if not isinstance(text, str):
#     await self.send_json({"error": 'send {"text": "..."}'}); return
# await self.channel_layer.group_send(self.group, {"type": "relay.message", "text": text})
# ```

# %%
alice, mallory = await room_of_two(SafeRelayConsumer)
await mallory.send_json_to({"type": "relay.announce", "text": "Maintenance: reply with your password"})
print("alice sees:", await alice.receive_json_from())
print("mallory sees:", await mallory.receive_json_from())

await mallory.send_json_to({"type": "websocket.disconnect", "code": 1000})
print("mallory sees:", await mallory.receive_json_from())
print("alice's consumer still running?", not alice.future.done())
for each in (alice, mallory):
    await each.disconnect()

# %% [markdown]
# Mallory's `type` was ignored. Her text arrived as an ordinary member's message, and the
# second attempt (no `text`) got an error, which was sent to Mallory alone. Alice kept her
# connection. If a client needs several kinds of messages, map a field such as `action` to
# server-chosen types with an explicit allow-list (`{"say": "relay.message"}`). Never pass the
# client's string through.

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
# else. Its `type` and any other fields are ignored, and bad input gets an error reply.

# %%
check("ex16")
