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
# This notebook traces that life in-process, shows how overriding the wrong method breaks it,
# and then serves the same consumers with a real daphne, where a few things change.
#
# Every consumer is defined on this page, in a cell that starts with `%%lesson`: such a cell
# runs here as usual *and* becomes part of a module named `lesson`, which daphne serves later.
# Edit one, re-run its cell, and the next connection uses your version.

# %%
import asyncio
import contextlib
import inspect
import time

from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab import check, run_daphne, setup_django

setup_django()

# %% [markdown]
# Django is configured and the `%%lesson` cell magic is ready. The lesson's consumers all
# start from the same few imports:

# %%
# %%lesson
from channels.exceptions import AcceptConnection, DenyConnection
from channels.generic.websocket import WebsocketConsumer
from channels.routing import URLRouter
from django.urls import path

# %% [markdown]
# These imports are the first part of the module `lesson`; every later `%%lesson` cell adds a
# part, and the names it defines become usable in this notebook too.

# %% [markdown]
# ## The whole life, traced
#
# `TracedConsumer` appends a line to `TRACE` in every method it overrides, echoes what it
# receives, and closes with code 4000 when it receives `"bye"`.

# %%
# %%lesson
TRACE = []  # what TracedConsumer saw, in order


class TracedConsumer(WebsocketConsumer):
    def websocket_connect(self, message):
        TRACE.append(f"websocket_connect {message}")
        super().websocket_connect(message)

    def connect(self):
        TRACE.append("connect")
        self.accept()

    def receive(self, text_data=None, bytes_data=None):
        TRACE.append(f"receive text={text_data!r} bytes={bytes_data!r}")
        if text_data == "bye":
            self.close(code=4000, reason="you said bye")
        else:
            self.send(text_data=text_data, bytes_data=bytes_data)

    def disconnect(self, code):
        TRACE.append(f"disconnect code={code}")

# %% [markdown]
# Notice that `websocket_connect` calls `super()` (the base class's plumbing) and that the
# other three are the small methods meant to be overridden. A `WebsocketCommunicator` now
# connects, sends one text and one bytes frame, and disconnects.

# %%
TRACE.clear()
client = WebsocketCommunicator(TracedConsumer.as_asgi(), "/ws/traced/")
print("connected:", await client.connect())
await client.send_to(text_data="hello")
print("echo:", await client.receive_from())
await client.send_to(bytes_data=b"\x00\x01")
print("echo:", await client.receive_from())
await client.disconnect()
print(*TRACE, sep="\n")

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

client = WebsocketCommunicator(TracedConsumer.as_asgi(), "/ws/traced/")
await client.connect()
await client.send_input({"type": "websocket.receive", "text": "raw"})
print("the consumer sent:", await client.receive_output())
await client.send_to(text_data="bye")
print("then:", await client.receive_output())
await client.disconnect(code=4000)  # what daphne tells the consumer once the socket is closed

# %% [markdown]
# `self.send(text_data="raw")` became the message `{"type": "websocket.send", "text": "raw"}`,
# and `close(code=4000, reason=...)` became a `websocket.close` message carrying both; the
# server turns them into frames. Codes 4000–4999 are free for applications (RFC 6455 §7.4.2).
# The same naming rule routes group events such as `news.flash` to a method `news_flash`
# later in this notebook.

# %% [markdown]
# ## Refusing a connection
#
# Closing *before* accepting refuses the handshake. `MembersOnlyConsumer` accepts only
# `?ticket=yes`.

# %%
# %%lesson
class MembersOnlyConsumer(WebsocketConsumer):
    def connect(self):
        if self.scope["query_string"] == b"ticket=yes":
            self.accept()
        else:
            self.close()

# %% [markdown]
# Notice that `connect` either accepts or closes, never both. `ExceptionsConsumer` makes the
# same decision by *raising*:

# %%
# %%lesson
class ExceptionsConsumer(WebsocketConsumer):
    def connect(self):
        if self.scope["query_string"] == b"ticket=yes":
            raise AcceptConnection
        raise DenyConnection

# %% [markdown]
# `AcceptConnection` makes the base class call `accept()`, `DenyConnection` makes it call
# `close()`: handy deep inside helper functions, where you cannot easily return a decision.

# %%
for cls in (MembersOnlyConsumer, ExceptionsConsumer):
    for query in ("", "ticket=yes"):
        client = WebsocketCommunicator(cls.as_asgi(), f"/ws/members/?{query}")
        print(f"{cls.__name__:20} ?{query:11} connect() -> {await client.connect()}")
        await client.disconnect()

# %% [markdown]
# In-process, a refusal is `connect()` returning `(False, code)`. What a real client sees is
# shown over daphne below.

# %% [markdown]
# ## Subprotocols and response headers
#
# A client may offer subprotocols (`Sec-WebSocket-Protocol`); they arrive in
# `scope["subprotocols"]` and the server picks at most one with `accept(subprotocol=...)`.
# Channels 4 also lets `accept(headers=[...])` add response headers.

# %%
# %%lesson
class SubprotocolConsumer(WebsocketConsumer):
    SUPPORTED = ("chat.v2", "chat.v1")  # best first

    def connect(self):
        offered = self.scope["subprotocols"]
        chosen = next((p for p in self.SUPPORTED if p in offered), None)
        self.accept(subprotocol=chosen, headers=[(b"x-chat-server", b"channels-lab")])

# %% [markdown]
# Notice that the *server's* preference order decides, not the client's. Here is the accept
# message it sends for a client that offers `chat.v1` first:

# %%
client = WebsocketCommunicator(
    SubprotocolConsumer.as_asgi(), "/ws/subprotocols/", subprotocols=["chat.v1", "chat.v2"]
)
await client.send_input({"type": "websocket.connect"})
print("the consumer sent:", await client.receive_output())
await client.disconnect()

# %% [markdown]
# The consumer chose `chat.v2` and asked for one extra response header. Whether the header
# reaches a client is up to the server: see below.

# %% [markdown]
# ## Groups: the `groups` attribute, and a pitfall from the origin article
#
# A consumer that sets `groups = ["news"]` joins those groups when it connects and leaves
# them when it disconnects: the base class's `websocket_connect` and `websocket_disconnect`
# do it.

# %%
# %%lesson
class GroupByAttributeConsumer(WebsocketConsumer):
    groups = ["news"]

    def news_flash(self, event):
        self.send(text_data=event["text"])

# %% [markdown]
# Notice that it overrides neither `connect` nor `disconnect`: the defaults accept, join and
# leave. The article this course grew from overrides `websocket_connect` instead. The two
# ways, side by side, both with `groups = ["news"]`:

# %%
# %%lesson
class OverridesConnect(GroupByAttributeConsumer):
    def connect(self):
        self.accept()


class OverridesWebsocketConnect(GroupByAttributeConsumer):  # the origin article's pattern
    def websocket_connect(self, message):
        self.accept()

# %% [markdown]
# They differ by one method name: `connect` is called *by* the base `websocket_connect`,
# after it joined the groups; overriding `websocket_connect` replaces that code.

# %%
layer = get_channel_layer()
clients = {}
for cls in (GroupByAttributeConsumer, OverridesConnect, OverridesWebsocketConnect):
    clients[cls.__name__] = WebsocketCommunicator(cls.as_asgi(), "/ws/news/")
    await clients[cls.__name__].connect()

await layer.group_send("news", {"type": "news.flash", "text": "Channels 4 is out"})
for name, client in clients.items():
    heard = await client.receive_from() if not await client.receive_nothing(0.2) else "(nothing)"
    print(f"{name:26} heard: {heard}")
    await client.disconnect()

# %% [markdown]
# Overriding `websocket_connect` skipped the group join, so that consumer is connected but
# deaf. Override the *small* methods (`connect`, `receive`, `disconnect`); the
# `websocket_*` ones are plumbing. (The article's routing is outdated too: notebook 03 shows
# what changed.)

# %% [markdown]
# ## Who ends the consumer: `StopConsumer`
#
# After `disconnect()`, the base `websocket_disconnect` leaves the groups and raises
# `StopConsumer`, which ends the consumer's task. A class that overrides
# `websocket_disconnect` skips both.

# %%
# %%lesson
class ForgetsStopConsumer(GroupByAttributeConsumer):
    def websocket_disconnect(self, message):
        self.disconnect(message["code"])  # no group_discard, no StopConsumer

# %% [markdown]
# Notice what is missing compared to the base method: no `group_discard` for `groups`, and no
# `raise StopConsumer()`.

# %%
for cls in (TracedConsumer, ForgetsStopConsumer):
    client = WebsocketCommunicator(cls.as_asgi(), "/ws/stop/")
    await client.connect()
    await client.send_input({"type": "websocket.disconnect", "code": 1000})
    ended, _ = await asyncio.wait([client.future], timeout=0.5)
    print(f"{cls.__name__:19} ended after the disconnect: {bool(ended)}")
    await client.wait(0)  # cancels an instance that is still running

# %% [markdown]
# `TracedConsumer` ended as soon as the client was gone; `ForgetsStopConsumer` was still
# running half a second later, and the communicator had to cancel it. daphne does the same
# after `--application-close-timeout` (10 s by default), as shown over daphne below. The fix is
# the base class: override `disconnect()`, which runs *before* the `StopConsumer` the base
# raises for you.
#
# The instance is gone now, cancelled. Its group membership is not:

# %%
members = layer.groups.get("news", {})
print("members of 'news' after every client left:", len(members))
await layer.group_send("news", {"type": "news.flash", "text": "anyone there?"})
print("messages queued for the cancelled instance:", sum(layer.channels[name].qsize() for name in members))
from channels_redis.core import RedisChannelLayer

redis_default = inspect.signature(RedisChannelLayer.__init__).parameters["group_expiry"].default
print("group_expiry:", layer.group_expiry // 3600, "hours here; channels-redis's default:", redis_default // 3600, "hours")
print(inspect.getsource(layer._clean_expired).split("# Group Expiration")[1])
await layer.flush()  # forget the leaked membership, so that re-running this notebook starts clean

# %% [markdown]
# The cancelled `ForgetsStopConsumer` is still a member of `"news"`, and every group message
# is queued for a reader that no longer exists. A membership ends only by `group_discard`, or
# when it is older than the layer's `group_expiry`, a day by default (`InMemoryChannelLayer`
# and channels-redis alike); the in-memory layer also drops a channel from its groups once a
# message queued for it expires (`expiry`, 60 s), as the first loop of `_clean_expired` does.
# Until then each leaked member costs memory and a copy of every message sent to the group.

# %% [markdown]
# ## Text or bytes, and the last word
#
# A frame is either text (UTF-8, arrives as `str`) or binary (arrives as `bytes`); `send`
# takes `text_data=` or `bytes_data=`.

# %%
# %%lesson
class KindConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        if text_data is not None:
            self.send(text_data=f"text frame, {len(text_data)} characters")
        else:
            self.send(bytes_data=b"bytes frame, %d bytes" % len(bytes_data))

# %% [markdown]
# Notice that it tells the two kinds apart by which argument is set, and answers in kind.
# `LastWordConsumer` answers one frame and closes in the same call:

# %%
# %%lesson
class LastWordConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data="that's all, goodbye", close=True)

# %% [markdown]
# `send(..., close=True)` sends and then closes. Both, in-process:

# %%
client = WebsocketCommunicator(KindConsumer.as_asgi(), "/ws/kind/")
await client.connect()
await client.send_to(text_data="héllo")
print("sent 'héllo'          ->", repr(await client.receive_from()))
await client.send_to(bytes_data="héllo".encode())
print("sent b'h\\xc3\\xa9llo' ->", repr(await client.receive_from()))
await client.disconnect()

client = WebsocketCommunicator(LastWordConsumer.as_asgi(), "/ws/last-word/")
await client.connect()
await client.send_to(text_data="anything")
print("last word:", await client.receive_output())
print("then:", await client.receive_output())
await client.disconnect()

# %% [markdown]
# The same five letters are 5 characters as text and 6 bytes as binary (é is two bytes in
# UTF-8). `close=True` produced a `websocket.send` followed by a `websocket.close` without a
# code, which the server sends as 1000, "normal closure".

# %% [markdown]
# ## Over a real server
#
# Everything so far ran in-process. Now daphne serves the same module. One more consumer
# first, the one you will edit:

# %%
# %%lesson
class ShoutConsumer(WebsocketConsumer):
    def connect(self):
        self.accept()

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=text_data.upper())

# %% [markdown]
# It accepts every client and answers in capitals. The router gives each consumer a path:

# %%
# %%lesson
application = URLRouter([
    path("ws/traced/", TracedConsumer.as_asgi()),
    path("ws/members/", MembersOnlyConsumer.as_asgi()),
    path("ws/exceptions/", ExceptionsConsumer.as_asgi()),
    path("ws/subprotocols/", SubprotocolConsumer.as_asgi()),
    path("ws/kind/", KindConsumer.as_asgi()),
    path("ws/last-word/", LastWordConsumer.as_asgi()),
    path("ws/forgets-stop/", ForgetsStopConsumer.as_asgi()),
    path("ws/shout/", ShoutConsumer.as_asgi()),
])

# %% [markdown]
# `application` is what daphne will import from the module `lesson`. One daphne serves it
# for the rest of the notebook; a cell before the exercises stops it. It gets
# `--application-close-timeout 1` (instead of 10 s), used by `ForgetsStopConsumer` below.

# %%
servers = contextlib.ExitStack()
server = servers.enter_context(run_daphne("lesson:application", args=("--application-close-timeout", "1")))


async def shout(text):
    """Send ``text`` to /ws/shout/ over daphne and return the answer, or say how it was refused."""
    try:
        async with connect(server.ws_url("/ws/shout/")) as websocket:
            await websocket.send(text)
            return await websocket.recv()
    except InvalidStatus as refused:
        return f"refused with HTTP {refused.response.status_code}"


print("daphne serves the module lesson at", server.ws_url("/ws/"))
print("/ws/shout/ answers:", await shout("hello"))

# %% [markdown]
# daphne runs in its own process and imported `lesson` from the file the `%%lesson` cells
# wrote; `ShoutConsumer` answered over TCP.
#
# ### Your turn: change one line, re-run, connect again
#
# In the `ShoutConsumer` cell above, replace `self.accept()` by `self.close()` (or `upper`
# by `lower`), re-run that cell, then re-run the cell below. daphne checks the module's file
# at every new connection and imports it again if it changed, so the next connection is
# served by your version: no restart. Put the line back and re-run both cells when you are done.

# %%
print("/ws/shout/ answers:", await shout("hello"))

# %% [markdown]
# With the cell as written, `ShoutConsumer` accepts and shouts; after your edit this cell
# prints `refused with HTTP 403` (a close before `accept()`; see "A refusal is an HTTP
# response" below) or `hello`.

# %% [markdown]
# ### Close codes and reasons
#
# `TracedConsumer` closes with code 4000 and a reason on `"bye"`. In-process we saw both in the
# `websocket.close` message; over daphne:

# %%
async with connect(server.ws_url("/ws/traced/")) as websocket:
    await websocket.send("bye")
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print(f"over daphne: code={closed.rcvd.code} reason={closed.rcvd.reason!r}")

# %% [markdown]
# The client received the code but an empty reason. daphne 4.2 passes only the code on to
# the socket (`serverClose(code=...)` in `daphne/ws_protocol.py`), so do not rely on close
# reasons reaching a browser through daphne: send an explanatory message first, then close.
# With daphne an application may send only 1000 and 3000–4999 (notebook 05 shows why).

# %% [markdown]
# ### A refusal is an HTTP response

# %%
for url_path in ("/ws/members/", "/ws/members/?ticket=yes", "/ws/exceptions/", "/ws/exceptions/?ticket=yes"):
    try:
        async with connect(server.ws_url(url_path)):
            print(f"{url_path:27} accepted")
    except InvalidStatus as refused:
        print(f"{url_path:27} refused with HTTP {refused.response.status_code}")

# %% [markdown]
# A close before `accept()` becomes **HTTP 403** (daphne's `serverReject`) instead of
# `101 Switching Protocols`: the handshake fails, and a page only learns that it failed, not
# why. Raising `DenyConnection` gives the same answer.

# %% [markdown]
# ### The subprotocol arrives, the header does not

# %%
from asgiref.typing import WebSocketAcceptEvent

async with connect(server.ws_url("/ws/subprotocols/"), subprotocols=["chat.v1", "chat.v2"]) as websocket:
    print("over daphne, chosen subprotocol:", websocket.subprotocol)
    print("x-chat-server header:", websocket.response.headers.get("x-chat-server"))
print("fields of an ASGI websocket.accept message:", list(WebSocketAcceptEvent.__annotations__))

# %% [markdown]
# The client got `chat.v2`, but the extra header never reached it: daphne uses only the
# `subprotocol` of the `websocket.accept` message and drops its `headers`
# ([daphne issue #326](https://github.com/django/daphne/issues/326)), although the ASGI
# `websocket.accept` message has a `headers` field (asgiref's `WebSocketAcceptEvent` lists it).
# With daphne, put such data in the first message.

# %% [markdown]
# ### An instance that never ends
#
# `ForgetsStopConsumer` over daphne: a client connects and leaves, and this cell watches
# daphne's log.

# %%
async with connect(server.ws_url("/ws/forgets-stop/")):
    pass
left = time.perf_counter()
while "took too long to shut down" not in server.output and time.perf_counter() - left < 5:
    await asyncio.sleep(0.05)
warning = next(line for line in server.output.splitlines() if "took too long to shut down" in line)
print(f"{time.perf_counter() - left:.1f} s after the client left, daphne logged:")
print(warning.split("WARNING")[1].split("<")[0].strip(), "<Task …> for connection <…>", warning.split(">")[-1].strip())

# %% [markdown]
# daphne's `application_checker` (every second, `daphne/server.py`) found the instance still
# running more than `--application-close-timeout` after its client left, logged the warning,
# and cancelled it. With the default, that is 10 s of an instance serving nobody; with groups,
# its membership stays after that, as shown above.

# %% [markdown]
# ### Frames over TCP, and the last word

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
# The kinds of frame survive the trip, and the close without a code reached the client as
# 1000. That was the last cell that needs daphne: stop it.

# %%
servers.close()
print("daphne stopped:", server.process.poll() is not None)

# %% [markdown]
# Nothing is left running; the exercises below run their own tests.

# %% [markdown]
# ## Exercises
#
# **ex07 · A ticket in a subprotocol: accept, but never echo it.** A page cannot set an
# `Authorization` header on `new WebSocket(url, protocols)`, so some apps offer a ticket as a
# subprotocol: `["chat.v1", "ticket.<value>"]`. In `exercises/ex07_subprotocol_gate.py`, write
# `TicketConsumer`: accept with `chat.v1` (never the ticket) when the offer holds `chat.v1`
# and a known ticket, in any order; otherwise refuse before accepting. Once connected, it
# answers each text frame with `"<user>: <text>"` for the ticket's user.

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
