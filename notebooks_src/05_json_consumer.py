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
# then a consumer that answers clearly and keeps serving.
#
# The consumers live in `demo_project/lessons/nb05_json.py`; one daphne serves them all.

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

from lessons import nb05_json as lesson

servers = contextlib.ExitStack()
server = servers.enter_context(run_daphne("lessons.nb05_json:application", args=("-v", "2")))
print("daphne serves the lesson at", server.ws_url("/ws/"))


async def daphne_logged(text):
    """The first line of daphne's log containing ``text``, waiting up to 2 s for it."""
    for _ in range(40):  # the log reaches us through a pipe
        lines = [line for line in server.output.splitlines() if text in line]
        if lines:
            return lines[0]
        await asyncio.sleep(0.05)

# %% [markdown]
# Django is configured and daphne serves the lesson's consumers. (`-v 2` makes daphne log
# its WebSocket library's warnings too; later cells read them.)

# %% [markdown]
# ## JSON in, JSON out
#
# `NaiveJsonConsumer` implements one method, `receive_json(content)`, and replies with
# `send_json(...)`. On the client side, `send_json_to` and `receive_json_from` do the same.

# %%
client = WebsocketCommunicator(lesson.NaiveJsonConsumer.as_asgi(), "/ws/naive/")
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
# `send_json` encodes. Here is the installed source of the two that matter:

# %%
print(inspect.getsource(JsonWebsocketConsumer.receive))
print(inspect.getsource(JsonWebsocketConsumer.send_json))
print(inspect.getsource(JsonWebsocketConsumer.decode_json))
print(inspect.getsource(JsonWebsocketConsumer.encode_json))

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
client = WebsocketCommunicator(lesson.PriceConsumer.as_asgi(), "/ws/prices/")
await client.connect()
await client.send_json_to({"prices": [0.1, 0.2]})
try:
    await client.receive_json_from(timeout=0.5)
except TypeError as error:
    print("the consumer crashed:", error)

# %% [markdown]
# `json.dumps` could not encode the date, so `send_json` raised and the consumer died with
# the connection. `ExactPriceConsumer` overrides the two classmethods: `decode_json` reads
# JSON numbers with a fraction as `Decimal` (`parse_float=decimal.Decimal`), and
# `encode_json` uses Django's `DjangoJSONEncoder`, which writes dates in ISO 8601 and
# `Decimal` as a string.

# %%
print(inspect.getsource(lesson.ExactPriceConsumer))
client = WebsocketCommunicator(lesson.ExactPriceConsumer.as_asgi(), "/ws/exact-prices/")
await client.connect()
await client.send_json_to({"prices": [0.1, 0.2]})
print("exact: ", await client.receive_json_from())
await client.disconnect()
print("floats:", 0.1 + 0.2)

# %% [markdown]
# With floats, 0.1 + 0.2 is 0.30000000000000004; with `Decimal` it is exactly `"0.3"`, sent as
# a string so that the browser's JavaScript (whose numbers are floats) cannot round it. The
# date arrives as `"2026-11-24"`, which `new Date(...)` in a page understands.

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

for name, frame in BAD_FRAMES.items():
    client = WebsocketCommunicator(lesson.NaiveJsonConsumer.as_asgi(), "/ws/naive/")
    await client.connect()
    await client.send_input({"type": "websocket.receive", **frame})
    try:
        reply = await client.receive_json_from(timeout=0.5)  # a crashed consumer raises here
        print(f"{name:26} -> answered {reply}")
        await client.disconnect()
    except Exception as error:
        print(f"{name:26} -> the consumer raised {type(error).__name__}: {str(error)[:50]}...")

# %% [markdown]
# Four of the five kill the consumer, with four different exceptions: `JSONDecodeError`
# for malformed text; `ValueError("No text section...")` for a binary frame *and* for an
# empty text frame (the `if text_data:` test above); and `RecursionError` for deep nesting,
# which is *not* a `JSONDecodeError`, so `except json.JSONDecodeError` alone misses it.
# The fifth was decoded fine, but `42` is not the object the consumer expects; code that
# did `content["action"]` would crash on it next.
#
# Over a real server, what does the client see, and does the server survive?

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
# daphne noticed the crashed application (it checks once a second) and closed the socket
# with **1011**, "internal error"; its log got a traceback. The server itself kept serving:
# only that one connection died. But the client learned nothing useful, and a close during
# a chat looks to the user like a network failure.

# %% [markdown]
# ## Fixed: answer clearly, or close with a code that says why
#
# `GuardedJsonConsumer` overrides `receive` — the decoding step — and decides for each
# kind of bad frame:

# %%
print(inspect.getsource(lesson.GuardedJsonConsumer.receive))

# %% [markdown]
# Binary frames are a protocol violation: it closes the connection, with code **4003**
# (why not RFC 6455's 1003, "data it cannot accept"? Two cells down). Everything else gets
# an `{"error": ...}` reply and the connection stays open. The same five frames, then a good
# one, on *one* connection:

# %%
async with connect(server.ws_url("/ws/guarded/")) as websocket:
    for name, frame in BAD_FRAMES.items():
        if "bytes" in frame:
            continue  # sent last: it ends the connection
        await websocket.send(frame["text"])
        print(f"{name:26} -> {await websocket.recv()}")
    await websocket.send('{"action": "ping"}')
    print(f"{'a good frame':26} -> {await websocket.recv()}")
    await websocket.send(BAD_FRAMES["a binary frame"]["bytes"])
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print(f"{'a binary frame':26} -> closed with code {closed.rcvd.code}")

# %% [markdown]
# Every bad text frame got an answer that says what was wrong, and the connection kept
# serving until the binary frame closed it with 4003. (Replying with an error is friendlier
# during development; closing is the right answer when the client is plainly not speaking
# your protocol.) The empty frame counts as malformed JSON: `json.loads("")` fails.

# %% [markdown]
# ### Pitfall: close codes daphne will not send
#
# `Closes1003Consumer` is the same consumer closing with the RFC's 1003. In-process that
# looks fine; over daphne:

# %%
client = WebsocketCommunicator(lesson.Closes1003Consumer.as_asgi(), "/ws/closes-1003/")
await client.connect()
await client.send_to(bytes_data=b"\x00")
print("in-process, the consumer asked for:", await client.receive_output())
await client.disconnect()

async with connect(server.ws_url("/ws/closes-1003/")) as websocket:
    await websocket.send(b"\x00")
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print("over daphne, the client got code:", closed.rcvd.code)
print("daphne logged:", (await daphne_logged("invalid close code")).split(" application: ")[1])

# %% [markdown]
# daphne speaks WebSocket through the autobahn library, whose `sendClose` accepts only
# 1000 and 3000–4999 (the codes an *application* may choose). `close(code=1003)` therefore
# raised inside the consumer, and the client got 1011 "internal error" instead. Tests with
# `WebsocketCommunicator` cannot catch this, which is why this course also tests over daphne.
# Use 1000, or a code of your own from 4000–4999 that your client understands.

# %% [markdown]
# ### Frames no consumer ever sees
#
# Some bad input is stopped by daphne before any consumer runs: a text frame that is not
# valid UTF-8, and a message larger than `--websocket-max-message-size` (default 1048576
# bytes, 1 MiB). Here is a message one byte too large:

# %%
async with connect(server.ws_url("/ws/guarded/")) as websocket:
    await websocket.send("x" * (1024 * 1024 + 1))
    try:
        await websocket.recv()
    except ConnectionClosed as closed:
        print("close frame received:", closed.rcvd, "| the client reports code", websocket.close_code)
print("daphne logged:", (await daphne_logged("exceeds payload limit")).split("WARNING  ")[1])

# %% [markdown]
# daphne's WebSocket library (autobahn) decided on **1009**, "message too big", but it
# *fails* the connection by dropping TCP without sending a close frame, so the client only
# sees **1006**, "closed abnormally", and the consumer's `disconnect` gets 1006 as well. A
# browser cannot tell this from a network failure: if your clients may send large
# messages, check their size in the page before sending. `tests/test_bad_input_live.py`
# checks this limit, and invalid UTF-8 (1007, handled the same way), against the demo.

# %% [markdown]
# ## A small command protocol
#
# Once decoding is safe, *validation* is the rest: the demo project's `CommandConsumer`
# (`chat/consumers.py`) accepts `{"action": "ping" | "echo" | "add", ...}`. It decodes with
# one function, `decode_json_frame`, that turns every decoding failure into a
# `BadClientMessage`, and `run()` raises the same exception for an invalid command; one
# `except` sends it back as `{"error": ...}`.

# %%
commands = [
    {"action": "ping"},
    {"action": "add", "numbers": [1, 2, 3.5]},
    {"action": "add", "numbers": [1, "2"]},
    {"action": "fly"},
    {"no": "action"},
]
async with connect(server.ws_url("/ws/commands/")) as websocket:
    for command in commands:
        await websocket.send(json.dumps(command))
        print(f"{json.dumps(command):40} -> {await websocket.recv()}")
    await websocket.send("[" * 100_000)
    print(f"{'[[[[... (100 000 deep)':40} -> {await websocket.recv()}")

# %% [markdown]
# Valid commands are carried out, and each invalid one gets an error naming the problem
# (`"2"` is a string, not a number). The demo first missed the deep-nesting case: `json.loads`
# raised `RecursionError`, which `except json.JSONDecodeError` did not catch, so one short
# frame could kill a connection; `decode_json_frame` now catches it too.
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
# **ex09 · Send dates as JSON.** In `exercises/ex09_json_dates.py`, override `encode_json` on
# `AgendaConsumer` so that dates and datetimes are sent as ISO 8601 text (`"2026-11-24"`,
# `"2026-11-24T13:30:00+00:00"`), and everything else JSON can encode is sent unchanged.

# %%
check("ex09")

# %% [markdown]
# **ex10 · A JSON consumer that survives bad input.** In `exercises/ex10_safe_json.py`, write
# `SafeEchoConsumer.receive`: answer malformed JSON, empty frames, too-deep nesting and JSON
# that is not an object with `{"error": ...}`, close with 4003 on a binary frame, and echo
# good objects as `{"echo": ...}`.

# %%
check("ex10")
