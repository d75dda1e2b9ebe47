# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 00 · Start here: what is this course, and how do I use it?
#
# **Channels Lab** teaches real-time Django: from the bytes of a WebSocket handshake to a
# Redis-backed, authenticated, tested chat service built on
# [Django Channels](https://channels.readthedocs.io/). Every notebook answers one question
# and proves each answer with a cell you can run. The cells start real servers
# (daphne, redis-server) on `127.0.0.1`. A server lives either for one cell (a `with` block) or
# for a few cells in a row, held by a `contextlib.ExitStack` that a later cell closes; either
# way every server is stopped before the notebook's exercises, so nothing is left running.
#
# **How to use it**
#
# 1. Run each cell in order (<kbd>Shift</kbd>+<kbd>Enter</kbd>) and read the sentence under it:
#    it says what the cell showed.
# 2. Each notebook ends with exercises. Open the file it names in `exercises/`, fill it in, save,
#    and run the notebook's last cell, `check("exNN")`, to see which tests pass and why the
#    others fail, with hints.
# 3. From a terminal in the repository: `make status` shows your progress and what to do next,
#    `make hint EX=ex01` prints the hints, `make check EX=ex01` checks one exercise and
#    `make watch` re-checks an exercise every time you save it.
#
# The series grew out of a short Chinese article on Django WebSockets; where that article is
# out of date (it predates Channels 3 and 4), the notebooks say so and show what works today.
# You need no Chinese to follow the course.

# %% [markdown]
# ## The map
#
# The table is generated from `course.toml`, the one file that lists every notebook and
# exercise; the checker, the progress view and the graders read the same file.

# %%
from IPython.display import Markdown

from channels_lab import course

Markdown(course.course_map())

# %% [markdown]
# Each row is a notebook you will open in order; the last column names the exercises it ends with.

# %% [markdown]
# ## Set-up: one call
#
# Every notebook starts the same way: `setup_django()` puts the demo project
# (`demo_project/`, an ordinary Django project) on the import path and configures Django,
# so its consumers can be imported and run right here.

# %%
from channels_lab import setup_django

setup_django()

import django
from django.conf import settings

print("Django", django.get_version(), "| ASGI application:", settings.ASGI_APPLICATION)
print("channel layer:", settings.CHANNEL_LAYERS["default"]["BACKEND"])

# %% [markdown]
# Django is configured with the demo's settings: `ASGI_APPLICATION` names the application a
# server runs, and the channel layer is the in-memory one until a later notebook brings Redis.

# %% [markdown]
# ## Your first WebSocket, in-process
#
# The demo project's `ChatConsumer` (in `demo_project/chat/consumers.py`) is short: it
# sends every frame it receives straight back. Here it is, read from the file:

# %%
import inspect

from chat.consumers import ChatConsumer

print(inspect.getsource(ChatConsumer))

# %% [markdown]
# `receive()` is called with each text or binary frame and `send()` answers with the same value.
# Channels' `WebsocketCommunicator` plays the part of a client *inside this kernel*: no network,
# no server process, just the consumer and the ASGI messages it exchanges. Jupyter lets us
# `await` at the top level of a cell.

# %%
from channels.testing import WebsocketCommunicator

client = WebsocketCommunicator(ChatConsumer.as_asgi(), "/ws/echo/")
connected, _ = await client.connect()
print("connected:", connected)

await client.send_to(text_data="hello, Channels")
print("echoed back:", await client.receive_from())
await client.disconnect()

# %% [markdown]
# The consumer accepted the connection and sent our text straight back. `as_asgi()` turned the
# consumer class into an ASGI application; the communicator connected to it directly.

# %% [markdown]
# ## The same consumer over a real socket
#
# In production a server such as **daphne** speaks the WebSocket protocol on a TCP port and
# hands each connection to the consumer. `run_daphne()` starts daphne as a subprocess on a
# free port of `127.0.0.1` and waits until it listens. Used in a `with` block it stops daphne
# when the block ends; here we want it for two cells, so a `contextlib.ExitStack` holds it
# until a later cell calls `servers.close()`. The client is the
# [`websockets`](https://websockets.readthedocs.io/) library.

# %%
import contextlib

from websockets.asyncio.client import connect

from channels_lab import run_daphne

servers = contextlib.ExitStack()
server = servers.enter_context(run_daphne())
url = server.ws_url("/ws/echo/")
print("daphne is listening; connecting to", url)
async with connect(url, origin=server.origin) as websocket:
    await websocket.send("hello over TCP")
    print("echoed back:", await websocket.recv())
print("daphne still running, held by the ExitStack?", server.process.poll() is None)

# %% [markdown]
# This time the bytes crossed a real TCP connection: a handshake, a frame each way, a close.
# daphne is still running: the `ExitStack` keeps it for the next cell.
#
# The client sent an `Origin` header, as a browser would. The demo only accepts WebSockets
# from its own hosts; notebook 09 shows why that matters.

# %% [markdown]
# ## Not quite every message: an empty frame gets no echo
#
# "Sends every frame back" has one exception, and it is daphne's, not the consumer's. Send an
# empty text frame, then a normal one, and see which echo arrives first; then hand the consumer
# the same empty frame in-process, as the ASGI event daphne makes of it, with no daphne involved.

# %%
async with connect(url, origin=server.origin) as websocket:
    await websocket.send("")
    await websocket.send(b"")
    await websocket.send("after the empty ones")
    print("over daphne, first echo:", repr(await websocket.recv()))

client = WebsocketCommunicator(ChatConsumer.as_asgi(), "/ws/echo/")
await client.connect()
await client.send_input({"type": "websocket.receive", "text": ""})  # what daphne passes on for ''
print("in-process, the consumer sent:", await client.receive_output())
await client.disconnect()

servers.close()  # stops daphne
print("daphne still running?", server.process.poll() is None)

# %% [markdown]
# The consumer did answer the empty frame (in-process we see its `websocket.send` with
# `text: ''`), but daphne never put it on the wire: its `websocket.send` handler sends only
# if `message.get("text")` (or `"bytes"`) is true, and `''` and `b''` are false. So the first
# echo over TCP was the third message: neither empty frame, text or binary, came back.
# `servers.close()` then stopped daphne, so nothing is left running.

# %% [markdown]
# ## Next
#
# Open `01_handshake.ipynb`: what exactly were those bytes?
