# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · WebsocketConsumer: what happens from connect to disconnect?
#
# A `WebsocketConsumer` is one object per connection. Channels calls its methods as the
# connection moves through its life: `connect` when a client knocks, `receive` for every
# frame, `disconnect` when it is gone; your code answers with `accept`, `send` and `close`.
# This notebook traces that life live, in-process and over a real daphne, and shows the
# three ways people break it.
#
# The consumers used here are short and live in `demo_project/lessons/nb04_lifecycle.py`.
# One daphne serves them for the whole notebook; a cell before the exercises stops it.

# %%
import asyncio
import contextlib

from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab import check, run_daphne, setup_django

setup_django()

from lessons import nb04_lifecycle as lesson

servers = contextlib.ExitStack()
server = servers.enter_context(run_daphne("lessons.nb04_lifecycle:application"))
print("daphne serves the lesson at", server.ws_url("/ws/"))

# %% [markdown]
# Django is configured, the lesson's consumers are imported, and daphne serves them over TCP.

# %% [markdown]
# ## The whole life, traced
#
# `TracedConsumer` appends a line to `lesson.TRACE` in every method it overrides, and echoes
# what it receives. A `WebsocketCommunicator` connects, sends one text and one bytes frame,
# and disconnects.

# %%
lesson.TRACE.clear()
client = WebsocketCommunicator(lesson.TracedConsumer.as_asgi(), "/ws/traced/")
print("connected:", await client.connect())
await client.send_to(text_data="hello")
print("echo:", await client.receive_from())
await client.send_to(bytes_data=b"\x00\x01")
print("echo:", await client.receive_from())
await client.disconnect()
print(*lesson.TRACE, sep="\n")

# %% [markdown]
# The order is always the same: `websocket_connect` (the handler for the ASGI message
# `{"type": "websocket.connect"}`) calls your `connect`, which calls `accept`; every frame
# reaches `receive` with either `text_data` or `bytes_data` set, never both; the client's
# close ends in `disconnect(code)` with the close code it sent (1000, "normal closure").
# `connect()` returned `(True, None)`: accepted, no subprotocol chosen.

# %% [markdown]
# ## The mechanism: ASGI messages and method names
#
# A consumer never sees the socket. The server turns network events into ASGI messages
# (dicts with a `type`), and the consumer calls the method named after the type, dots
# replaced by underscores. Channels does this in one function, `get_handler_name`.
# What the consumer *sends* is ASGI messages too: `receive_output()` shows them raw.

# %%
from channels.consumer import get_handler_name

for kind in ("websocket.connect", "websocket.receive", "websocket.disconnect", "news.flash"):
    print(f"{kind:22} -> {get_handler_name({'type': kind})}()")

client = WebsocketCommunicator(lesson.TracedConsumer.as_asgi(), "/ws/traced/")
await client.connect()
await client.send_input({"type": "websocket.receive", "text": "raw"})
print("the consumer sent:", await client.receive_output())
await client.disconnect()

# %% [markdown]
# `self.send(text_data="raw")` became the message `{"type": "websocket.send", "text": "raw"}`;
# daphne turns that into a text frame. The same naming rule will route group events such
# as `news.flash` to a method `news_flash` later in this notebook.

# %% [markdown]
# ## Closing from the server: codes and reasons
#
# `close(code, reason)` ends the connection from the server's side. Codes 4000–4999 are
# free for applications (RFC 6455 §7.4.2); with daphne an application may send only 1000 and
# 3000–4999 (notebook 05 shows what happens otherwise). `TracedConsumer` closes with 4000 when it
# receives `"bye"`. In-process we see the ASGI message; over daphne, what a client gets.

# %%
client = WebsocketCommunicator(lesson.TracedConsumer.as_asgi(), "/ws/traced/")
await client.connect()
await client.send_to(text_data="bye")
print("in-process:", await client.receive_output())
await client.disconnect(code=4000)  # what daphne tells the consumer once the socket is closed

async with connect(server.ws_url("/ws/traced/")) as websocket:
    await websocket.send("bye")
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print(f"over daphne: code={closed.rcvd.code} reason={closed.rcvd.reason!r}")

# %% [markdown]
# The consumer asked for code 4000 *and* a reason; the client received the code but an empty
# reason. daphne 4.2 passes only the code on to the socket (`serverClose(code=...)` in
# `daphne/ws_protocol.py`), so do not rely on close reasons reaching a browser through
# daphne: send an explanatory message first, then close.

# %% [markdown]
# ## Refusing a connection
#
# Closing *before* accepting refuses the handshake. `MembersOnlyConsumer` accepts only
# `?ticket=yes`. In-process, `connect()` returns `(False, code)`; a real client sees an
# HTTP response instead of `101 Switching Protocols`.

# %%
client = WebsocketCommunicator(lesson.MembersOnlyConsumer.as_asgi(), "/ws/members/")
print("in-process, no ticket:", await client.connect())

for path in ("/ws/members/", "/ws/members/?ticket=yes", "/ws/exceptions/", "/ws/exceptions/?ticket=yes"):
    try:
        async with connect(server.ws_url(path)):
            print(f"{path:27} accepted")
    except InvalidStatus as refused:
        print(f"{path:27} refused with HTTP {refused.response.status_code}")

# %% [markdown]
# A close before `accept()` becomes **HTTP 403** (daphne's `serverReject`): the handshake
# fails, and a page only learns that it failed, not why. The
# `ExceptionsConsumer` does the same by *raising* from `connect()`: `AcceptConnection`
# makes the base class call `accept()`, `DenyConnection` makes it call `close()`. That is
# handy deep inside helper functions, where you cannot easily return a decision.

# %% [markdown]
# ## Subprotocols and response headers
#
# A client may offer subprotocols (`Sec-WebSocket-Protocol`); they arrive in
# `scope["subprotocols"]` and the server picks at most one with `accept(subprotocol=...)`.
# Channels 4 also lets `accept(headers=[...])` add response headers.

# %%
client = WebsocketCommunicator(
    lesson.SubprotocolConsumer.as_asgi(), "/ws/subprotocols/", subprotocols=["chat.v1", "chat.v2"]
)
connected = await client.connect()
print("in-process:", connected)
await client.disconnect()

async with connect(server.ws_url("/ws/subprotocols/"), subprotocols=["chat.v1", "chat.v2"]) as websocket:
    print("over daphne, chosen subprotocol:", websocket.subprotocol)
    print("x-chat-server header:", websocket.response.headers.get("x-chat-server"))

# %% [markdown]
# The consumer preferred `chat.v2` although the client listed `chat.v1` first: the server
# decides. The extra header, though, never reached the client: daphne uses only the
# `subprotocol` of the `websocket.accept` message and drops its `headers`
# ([daphne issue #326](https://github.com/django/daphne/issues/326), open). The ASGI spec
# allows them and other servers honour them; with daphne, put such data in the first message.

# %% [markdown]
# ## Groups: the `groups` attribute, and a pitfall from the origin article
#
# A consumer that sets `groups = ["news"]` joins those groups when it connects and leaves
# them when it disconnects: the base class's `websocket_connect` and `websocket_disconnect`
# do it. The article this course grew from overrides `websocket_connect` itself. Compare
# three consumers, all with `groups = ["news"]`: one that overrides nothing, one that overrides
# `connect()`, one that overrides `websocket_connect()` as the article does.

# %%
from channels.layers import get_channel_layer

layer = get_channel_layer()
clients = {}
for cls in (lesson.GroupByAttributeConsumer, lesson.OverridesConnect, lesson.OverridesWebsocketConnect):
    clients[cls.__name__] = WebsocketCommunicator(cls.as_asgi(), "/ws/news/")
    await clients[cls.__name__].connect()

await layer.group_send("news", {"type": "news.flash", "text": "Channels 4 is out"})
for name, client in clients.items():
    heard = await client.receive_from() if not await client.receive_nothing(0.2) else "(nothing)"
    print(f"{name:26} heard: {heard}")
    await client.disconnect()

# %% [markdown]
# Overriding `websocket_connect` replaced the code that joins `groups`, so that consumer is
# connected but deaf. Override the *small* methods (`connect`, `receive`, `disconnect`);
# the `websocket_*` ones are plumbing.
#
# The article's routing is outdated too: it imports `url` from `django.conf.urls` and routes
# to the consumer class itself.

# %%
import django.conf.urls
from channels.routing import URLRouter
from django.urls import path

print("django.conf.urls.url exists:", hasattr(django.conf.urls, "url"))
old_style = URLRouter([path("ws/old/", lesson.OverridesConnect)])  # no .as_asgi()
try:
    await WebsocketCommunicator(old_style, "/ws/old/").connect()
except TypeError as error:
    print("TypeError:", error)

# %% [markdown]
# `url()` was removed in Django 4.0 (use `path()` or `re_path()`), and since Channels 3 a
# route needs an ASGI application: `Consumer.as_asgi()`, which makes a new consumer instance
# per connection. The bare class fails only when the first client connects.

# %% [markdown]
# ## Who ends the consumer: `StopConsumer`
#
# After `disconnect()`, the base `websocket_disconnect` raises `StopConsumer`, which ends
# the consumer's task. A class that overrides `websocket_disconnect` and forgets to raise it
# keeps an instance alive for a connection that is gone.

# %%
for cls in (lesson.TracedConsumer, lesson.ForgetsStopConsumer):
    client = WebsocketCommunicator(cls.as_asgi(), "/ws/stop/")
    await client.connect()
    await client.send_input({"type": "websocket.disconnect", "code": 1000})
    ended, _ = await asyncio.wait([client.future], timeout=0.5)
    print(f"{cls.__name__:19} ended after the disconnect: {bool(ended)}")
    await client.wait(0)  # cancels an instance that is still running

# %% [markdown]
# `TracedConsumer` ended as soon as the client was gone; `ForgetsStopConsumer` was still
# running half a second later, and the communicator had to cancel it. daphne does the same after
# `--application-close-timeout` (10 s by default; `application_checker` in `daphne/server.py`) and logs *"took too long to shut down and was killed"*;
# until then the instance holds memory and its group memberships. The fix is the base class:
# override `disconnect()`, which runs *before* the `StopConsumer` the base raises for you.

# %% [markdown]
# ## Text or bytes, and the last word
#
# A frame is either text (UTF-8, arrives as `str`) or binary (arrives as `bytes`); `send`
# takes `text_data=` or `bytes_data=`. `send(..., close=True)` sends and then closes.

# %%
async with connect(server.ws_url("/ws/kind/")) as websocket:
    for frame in ("héllo", b"h\xc3\xa9llo"):
        await websocket.send(frame)
        print(f"sent {frame!r:15} -> {await websocket.recv()!r}")
async with connect(server.ws_url("/ws/last-word/")) as websocket:
    await websocket.send("anything")
    print("last word:", await websocket.recv())
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print("then closed with code", closed.rcvd.code)

# %% [markdown]
# The same five letters are 5 characters as text and 6 bytes as binary (é is two bytes in
# UTF-8): the consumer learns which kind of frame came from which argument is set.
# `close=True` delivered the message and then a normal close, code 1000.
#
# That was the last cell that needs daphne: stop it.

# %%
servers.close()
print("daphne still running?", server.process.poll() is None)

# %% [markdown]
# Nothing is left running; the exercises below run their own tests.

# %% [markdown]
# ## Exercises
#
# **ex07 · Choose a subprotocol or refuse.** In `exercises/ex07_subprotocol_gate.py`, write
# `GatekeeperConsumer`: accept with `chat.v2` when the client offers it, else with `chat.v1`,
# and refuse (close before accepting) when the client offers neither. Once connected, it
# answers each text frame with `"<subprotocol>: <text>"`.

# %%
check("ex07")

# %% [markdown]
# **ex08 · A lobby with `groups`, close codes and a last word.** In
# `exercises/ex08_lobby.py`, write `LobbyConsumer`: it joins the group `"lobby"` through the
# `groups` attribute, shares every text frame with the whole lobby (event type
# `"lobby.message"`), closes with code 4003 when it receives a binary frame, and answers
# `"/quit"` with `"goodbye"` and a close.

# %%
check("ex08")
