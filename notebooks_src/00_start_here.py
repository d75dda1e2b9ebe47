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
# (daphne, redis-server) on `127.0.0.1` and stop them again before the cell ends.
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
# The demo's `ChatConsumer` echoes every message. Channels' `WebsocketCommunicator` plays the
# part of a client *inside this kernel*: no network, no server process, just the consumer and
# the ASGI messages it exchanges. Jupyter lets us `await` at the top level of a cell.

# %%
from channels.testing import WebsocketCommunicator

from chat.consumers import ChatConsumer

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
# free port of `127.0.0.1`, waits until it listens, and stops it when the `with` block ends.
# The client is the [`websockets`](https://websockets.readthedocs.io/) library.

# %%
from websockets.asyncio.client import connect

from channels_lab import run_daphne

with run_daphne() as server:
    url = server.ws_url("/ws/echo/")
    print("daphne is listening; connecting to", url)
    async with connect(url, origin=server.origin) as websocket:
        await websocket.send("hello over TCP")
        print("echoed back:", await websocket.recv())

print("daphne still running?", server.process.poll() is None)

# %% [markdown]
# This time the bytes crossed a real TCP connection: a handshake, a frame each way, a close.
# Leaving the `with` block stopped daphne, so nothing is left running.
#
# The client sent an `Origin` header, as a browser would. The demo only accepts WebSockets
# from its own hosts; notebook 09 shows why that matters.

# %% [markdown]
# ## Next
#
# Open `01_handshake.ipynb`: what exactly were those bytes?
