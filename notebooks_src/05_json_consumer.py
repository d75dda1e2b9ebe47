# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · JsonWebsocketConsumer: how do structured messages work?
#
# Real applications rarely exchange bare strings: they send objects such as
# `{"action": "join", "room": "lobby"}`. `JsonWebsocketConsumer` decodes every incoming text
# frame as JSON and hands you a Python object; `send_json` does the reverse. This notebook
# shows how, how to change the encoding (dates, exact decimals), and what happens when a
# client sends something that is not JSON at all — first the default (the consumer dies),
# then a consumer that answers clearly and keeps serving — in-process, then over daphne.
#
# Every consumer is defined on this page in a `%%lesson` cell (notebook 04 explains them):
# it runs here and becomes part of the module `lesson` that daphne serves later.

# %%
import asyncio
import contextlib
import inspect
import json

from channels.generic.websocket import JsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from channels_lab import check, run_daphne, setup_django

setup_django()

# %% [markdown]
# Django is configured. The lesson's imports come first:

# %%
# %%lesson
import datetime
import decimal
import json

from channels.generic.websocket import JsonWebsocketConsumer
from channels.routing import URLRouter
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import path

# %% [markdown]
# These are the first part of the module `lesson`; each consumer below adds one.

# %% [markdown]
# ## JSON in, JSON out
#
# `NaiveJsonConsumer` implements one method, `receive_json(content)`, and replies with
# `send_json(...)`.

# %%
# %%lesson
class NaiveJsonConsumer(JsonWebsocketConsumer):
    def receive_json(self, content, **kwargs):
        self.send_json({"you sent": content})

# %% [markdown]
# Notice that it trusts its input: whatever `content` is, it is echoed. On the client side,
# `send_json_to` and `receive_json_from` do the encoding.

# %%
client = WebsocketCommunicator(NaiveJsonConsumer.as_asgi(), "/ws/naive/")
await client.connect()
await client.send_json_to({"action": "join", "room": "lobby", "tags": ["new", 1, None]})
print(await client.receive_json_from())
await client.disconnect()

# %% [markdown]
# The dict crossed the connection as a JSON text frame and came back as a dict, `None`
# included. The consumer never saw a string.

# %% [markdown]
# ## The mechanism: four short methods
#
# `JsonWebsocketConsumer` is a `WebsocketConsumer` whose `receive` decodes and whose
# `send_json` encodes, each through a classmethod. Here are the four, from the installed source:

# %%
for method in ("receive", "send_json", "decode_json", "encode_json"):
    print(inspect.getsource(getattr(JsonWebsocketConsumer, method)))

# %% [markdown]
# Three things to notice, all used below: (1) decoding and encoding go through the
# classmethods `decode_json` and `encode_json`, which you may override; (2) `receive` tests
# `if text_data:`, so an *empty* text frame is treated like a binary one; (3) nothing
# catches errors: a frame that is not JSON raises inside your consumer.

# %% [markdown]
# ## Custom encoding: dates and exact decimals
#
# `json` knows dicts, lists, strings, numbers, booleans and `None`. `PriceConsumer` replies
# with a `datetime.date`, and it adds prices as floats.

# %%
# %%lesson
class PriceConsumer(JsonWebsocketConsumer):
    today = datetime.date(2026, 11, 24)  # fixed, so that the notebook's output is the same every run

    def receive_json(self, content, **kwargs):
        self.send_json({"total": sum(content["prices"]), "on": self.today})

# %% [markdown]
# Notice the `date` in the reply: plain `json.dumps` cannot encode it.

# %%
client = WebsocketCommunicator(PriceConsumer.as_asgi(), "/ws/prices/")
await client.connect()
await client.send_json_to({"prices": [0.1, 0.2]})
try:
    await client.receive_json_from(timeout=0.5)
except TypeError as error:
    print("the consumer crashed:", error)

# %% [markdown]
# `send_json` raised and the consumer died with the connection. `ExactPriceConsumer`
# overrides the two classmethods:

# %%
# %%lesson
class ExactPriceConsumer(PriceConsumer):
    @classmethod
    def decode_json(cls, text_data):
        return json.loads(text_data, parse_float=decimal.Decimal)

    @classmethod
    def encode_json(cls, content):
        return json.dumps(content, cls=DjangoJSONEncoder)

# %% [markdown]
# `decode_json` reads JSON numbers with a fraction as `Decimal` (`parse_float=decimal.Decimal`),
# and `encode_json` uses Django's `DjangoJSONEncoder`, which writes dates in ISO 8601 and
# `Decimal` as a string.

# %%
client = WebsocketCommunicator(ExactPriceConsumer.as_asgi(), "/ws/exact-prices/")
await client.connect()
await client.send_json_to({"prices": [0.1, 0.2]})
print("exact: ", await client.receive_json_from())
await client.disconnect()
print("floats:", 0.1 + 0.2)

# %% [markdown]
# With floats, 0.1 + 0.2 is 0.30000000000000004; with `Decimal` it is exactly `"0.3"`, sent as
# a string so that the browser's JavaScript (whose numbers are floats) cannot round it. The
# date arrives as ISO 8601 text, `"2026-11-24"`.

# %% [markdown]
# ## Bad input: the default consumer dies
#
# Clients send garbage: a bug, an old app version, a curious user in the browser console.
# Here are five bad frames, each sent to a fresh `NaiveJsonConsumer` in-process.

# %%
BAD_FRAMES = {
    "malformed JSON": {"text": "{'single': 'quotes'}"},
    "a binary frame": {"bytes": b'{"action": "ping"}'},
    "an empty text frame": {"text": ""},
    "JSON nested 100 000 deep": {"text": "[" * 100_000 + "]" * 100_000},
    "JSON that is not an object": {"text": "42"},
}

raised = {}
for name, frame in BAD_FRAMES.items():
    client = WebsocketCommunicator(NaiveJsonConsumer.as_asgi(), "/ws/naive/")
    await client.connect()
    await client.send_input({"type": "websocket.receive", **frame})
    crashed, _ = await asyncio.wait([client.future], timeout=0.5)  # a crash ends the consumer's task
    if crashed:
        error = client.future.exception()
        raised[name] = type(error)
        print(f"{name:26} -> the consumer raised {type(error).__name__}: {str(error)[:50]}...")
    else:
        print(f"{name:26} -> answered {await client.receive_json_from()}")
        await client.disconnect()

print("consumers killed:", len(raised), "| exception types:", len(set(raised.values())))
print("JSONDecodeError is a subclass of ValueError:", issubclass(json.JSONDecodeError, ValueError))

# %% [markdown]
# Four of the five kill the consumer, with three exception types: `JSONDecodeError` for
# malformed text, which *is* a `ValueError`, so `except ValueError` catches it too;
# `ValueError("No text section...")` for a binary frame *and* for an empty text frame (the
# `if text_data:` test above); and `RecursionError` for deep nesting, which is *not* a
# `ValueError`, so neither `except json.JSONDecodeError` nor `except ValueError` catches it.
# The fifth was decoded fine, but `42` is not the object the consumer expects; code that
# did `content["action"]` would crash on it next.

# %% [markdown]
# ## Fixed: answer clearly, or close with a code that says why
#
# `GuardedJsonConsumer` overrides `receive` — the decoding step — and decides for each
# kind of bad frame:

# %%
# %%lesson
UNSUPPORTED_DATA = 4003  # our own code for "text frames only", from the private range 4000-4999


class GuardedJsonConsumer(JsonWebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            self.close(code=UNSUPPORTED_DATA)  # a binary frame: this protocol speaks text only
            return
        try:
            content = self.decode_json(text_data)
        except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
            self.send_json({"error": f"not JSON ({type(error).__name__}): send a JSON object"})
            return
        if not isinstance(content, dict):
            self.send_json({"error": f"expected a JSON object, got {type(content).__name__}"})
            return
        self.receive_json(content, **kwargs)

    def receive_json(self, content, **kwargs):
        self.send_json({"you sent": content})

# %% [markdown]
# Notice the order: binary frames first (`text_data is None`; an empty text frame is `""`,
# not `None`), then decoding with both exception types caught, then the shape. Binary frames
# are a protocol violation, so it closes, with code **4003** (why not RFC 6455's 1003, "data
# it cannot accept"? See the pitfall over daphne below). Everything else gets an
# `{"error": ...}` reply. The same five frames, then a good one, on *one* connection:

# %%
client = WebsocketCommunicator(GuardedJsonConsumer.as_asgi(), "/ws/guarded/")
await client.connect()
for name, frame in BAD_FRAMES.items():
    if "bytes" not in frame:  # the binary frame is sent last: it ends the connection
        await client.send_input({"type": "websocket.receive", **frame})
        print(f"{name:26} -> {await client.receive_from()}")
await client.send_to(text_data='{"action": "ping"}')
print(f"{'a good frame':26} -> {await client.receive_from()}")
await client.send_to(bytes_data=BAD_FRAMES["a binary frame"]["bytes"])
print(f"{'a binary frame':26} -> {await client.receive_output()}")
await client.disconnect(code=UNSUPPORTED_DATA)

# %% [markdown]
# Every bad text frame got an answer that says what was wrong, and the connection kept
# serving until the binary frame closed it with 4003. (Replying with an error is friendlier
# during development; closing is the right answer when the client is plainly not speaking
# your protocol.) The empty frame counts as malformed JSON: `json.loads("")` fails.

# %% [markdown]
# `Closes1003Consumer` is the same consumer closing with the RFC's 1003:

# %%
# %%lesson
class Closes1003Consumer(GuardedJsonConsumer):
    def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            self.close(code=1003)  # RFC 6455: "received a type of data it cannot accept"
        else:
            super().receive(text_data, bytes_data, **kwargs)

# %% [markdown]
# It differs from `GuardedJsonConsumer` only in the close code. In-process that looks fine:

# %%
client = WebsocketCommunicator(Closes1003Consumer.as_asgi(), "/ws/closes-1003/")
await client.connect()
await client.send_to(bytes_data=b"\x00")
print("in-process, the consumer asked for:", await client.receive_output())
await client.disconnect(code=1003)

# %% [markdown]
# The consumer sent `{"type": "websocket.close", "code": 1003}`. What a client gets depends
# on the server: see below.

# %% [markdown]
# ## A small command protocol
#
# Once decoding is safe, *validation* is the rest. The demo project's `CommandConsumer`
# (`chat/consumers.py`) accepts `{"action": "ping" | "echo" | "add", ...}`. It decodes with one
# function, `decode_json_frame`, that turns every decoding failure into a `BadClientMessage`,
# and `run()` raises the same exception for an invalid command; one `except` sends it back:

# %%
from chat import consumers as chat

print(inspect.getsource(chat.decode_json_frame))
print(inspect.getsource(chat.CommandConsumer.receive))

# %% [markdown]
# The same three checks as `GuardedJsonConsumer` (binary, undecodable, not an object), in
# one function the demo's other consumers reuse. Its commands, in-process:

# %%
commands = [
    {"action": "ping"},
    {"action": "add", "numbers": [1, 2, 3.5]},
    {"action": "add", "numbers": [1, "2"]},
    {"action": "fly"},
    {"no": "action"},
]
client = WebsocketCommunicator(chat.CommandConsumer.as_asgi(), "/ws/commands/")
await client.connect()
for command in commands:
    await client.send_json_to(command)
    print(f"{json.dumps(command):40} -> {await client.receive_json_from()}")
await client.send_to(text_data="[" * 100_000)
print(f"{'[[[[... (100 000 deep)':40} -> {await client.receive_json_from()}")
await client.disconnect()

# %% [markdown]
# Valid commands are carried out, and each invalid one gets an error naming the problem
# (`"2"` is a string, not a number). The demo first missed the deep-nesting case: `json.loads`
# raised `RecursionError`, which `except json.JSONDecodeError` did not catch, so one short
# frame could kill a connection; `decode_json_frame` now catches it too.

# %% [markdown]
# ## Over a real server
#
# Now daphne serves the module. One more consumer first: `GuardedJsonConsumer` plus a
# `disconnect` that reports the code it is given.

# %%
# %%lesson
class ReportingConsumer(GuardedJsonConsumer):
    def disconnect(self, code):
        print(f"ReportingConsumer.disconnect(code={code})", flush=True)  # lands in daphne's log

# %% [markdown]
# Notice where the `print` goes: the consumer runs in daphne's process, so the line lands
# in daphne's log, which this notebook reads. The router:

# %%
# %%lesson
application = URLRouter([
    path("ws/naive/", NaiveJsonConsumer.as_asgi()),
    path("ws/guarded/", ReportingConsumer.as_asgi()),
    path("ws/closes-1003/", Closes1003Consumer.as_asgi()),
])

# %% [markdown]
# daphne serves this `application` for the rest of the notebook, with `-v 2` so that it
# logs its WebSocket library's warnings too.

# %%
servers = contextlib.ExitStack()
server = servers.enter_context(run_daphne("lesson:application", args=("-v", "2")))
log_seen = 0


async def daphne_logged(*texts):
    """The new lines of daphne's log that contain one of ``texts``, without their timestamp (waits up to 2 s)."""
    global log_seen
    for _ in range(40):  # the log reaches us through a pipe
        lines = server.output.splitlines()[log_seen:]
        found = [line.split(maxsplit=3)[3] for line in lines  # log lines start with the date
                 if line[:4].isdigit() and any(text in line for text in texts)]
        if all(any(text in line for line in found) for text in texts):
            break
        await asyncio.sleep(0.05)
    log_seen += len(lines)
    return found


print("daphne serves the module lesson at", server.ws_url("/ws/"))

# %% [markdown]
# daphne is up; `daphne_logged` returns the log lines written since its last call.

# %% [markdown]
# ### A crashed consumer: 1011, and the server serves on

# %%
async with connect(server.ws_url("/ws/naive/")) as websocket:
    await websocket.send("{'single': 'quotes'}")
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print("the client was disconnected with code", closed.rcvd.code)

async with connect(server.ws_url("/ws/naive/")) as websocket:
    await websocket.send('{"still": "there?"}')
    print("the next client:", await websocket.recv())

# %% [markdown]
# daphne noticed the crashed application (its `application_checker` runs every second,
# `daphne/server.py`) and closed the socket with **1011**, "internal error"; its log got a
# traceback. The server itself kept serving: only that one connection died. But the client
# learned nothing useful, and a close during a chat looks to the user like a network failure.

# %% [markdown]
# ### The guarded consumer over TCP

# %%
async with connect(server.ws_url("/ws/guarded/")) as websocket:
    await websocket.send("{oops")
    print("malformed JSON ->", await websocket.recv())
    await websocket.send(BAD_FRAMES["a binary frame"]["bytes"])
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print("a binary frame -> closed with code", closed.rcvd.code)
print(*await daphne_logged("disconnect(code="), sep="\n")

# %% [markdown]
# Over TCP too: an answer for bad JSON, 4003 for a binary frame, and the consumer's
# `disconnect` got the same 4003 once the client had answered the close.

# %% [markdown]
# ### Pitfall: close codes daphne will not send

# %%
async with connect(server.ws_url("/ws/closes-1003/")) as websocket:
    await websocket.send(b"\x00")
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print("over daphne, the client got code:", closed.rcvd.code)
print("daphne logged:", *await daphne_logged("invalid close code"))

# %% [markdown]
# The consumer asked for 1003 and the client got 1011 "internal error": `close(code=1003)`
# raised inside the consumer. RFC 6455 (§7.4.1) defines 1003 and 1008 ("policy violation")
# for any endpoint to send; the refusal is autobahn's, the WebSocket library daphne speaks
# through. Its `sendClose` checks the code before anything else:

# %%
from autobahn.websocket.protocol import WebSocketProtocol

source = inspect.getsource(WebSocketProtocol.sendClose)
print(source[source.index("            # 1000 Normal"):source.index("        if reason is not None")].rstrip())

# %% [markdown]
# autobahn lets an application close only with 1000 or 3000–4999, so 1003, 1008 and every
# other 1xxx code raise. `WebsocketCommunicator` tests cannot catch this (no autobahn
# in-process), which is why this course also tests over daphne. Use 1000, or a code of your
# own from 4000–4999 that your client understands.

# %% [markdown]
# ### Frames no consumer ever sees
#
# Some bad input is stopped by daphne before any consumer runs: a message larger than
# `--websocket-max-message-size` (default 1048576 bytes, 1 MiB), and a text frame that is not
# valid UTF-8. First a message one byte too large:

# %%
async with connect(server.ws_url("/ws/guarded/")) as websocket:
    await websocket.send("x" * (1024 * 1024 + 1))
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print("close frame received:", closed.rcvd, "| the client reports code", websocket.close_code)
print(*await daphne_logged("failing WebSocket connection", "disconnect(code="), sep="\n")

# %% [markdown]
# autobahn decided on **1009**, "message too big", but it *fails* the connection by dropping
# TCP without sending a close frame (`failByDrop`, on by default in autobahn's server factory,
# which daphne leaves as it is), so the client only sees **1006**, "closed abnormally", and
# so does the consumer's `disconnect`. To the client this looks exactly like a network
# failure: if your clients may send large messages, check their size before sending.
#
# Now a text frame whose bytes are not UTF-8 (`text=True` makes the client send bytes as a
# text frame, unchecked):

# %%
async with connect(server.ws_url("/ws/guarded/")) as websocket:
    await websocket.send(b"caf\xe9", text=True)  # é in Latin-1: not valid UTF-8
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print("close frame received:", closed.rcvd, "| the client reports code", websocket.close_code)
print(*await daphne_logged("failing WebSocket connection", "disconnect(code="), sep="\n")

# %% [markdown]
# The same story with **1007**, "invalid frame payload data": decided by autobahn, never
# sent; the client and the consumer both see 1006, and no `receive` ran. With daphne's
# settings, a client never receives 1007 or 1009.
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
# **ex09 · Dates across the wire, both ways.** JSON has no date type, so an app agrees on a
# convention: a key ending in `_on` holds a date (`"2026-11-25"`), one ending in `_at` a moment
# with its UTC offset (`"2026-11-25T09:30:00+00:00"`). In `exercises/ex09_json_dates.py`,
# override `decode_json` and `encode_json` on `BookingConsumer`: decoding turns those values,
# at any depth, into `date` and aware `datetime` objects and rejects malformed ones with
# `ValueError`; encoding writes every date and datetime as its `isoformat()` and still raises
# `TypeError` for anything else JSON cannot represent.

# %%
check("ex09")

# %% [markdown]
# **ex10 · A command protocol that checks every message.** In `exercises/ex10_safe_json.py`,
# write `CommandConsumer.receive`: every frame gets exactly one answer and nothing a client
# sends can crash the consumer. A valid command such as
# `{"id": 7, "cmd": "add", "args": {"a": 2, "b": 3}}` is answered with its result; anything
# else with `{"ok": false, "error": <code>}`, the first code that applies (`bad-json`,
# `not-an-object`, `bad-id`, ... — the file lists them and the `COMMANDS` schema), and the
# connection stays open; a binary frame closes it with 4003.

# %%
check("ex10")
