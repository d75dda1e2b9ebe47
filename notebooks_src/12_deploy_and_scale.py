# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 12 · How do I deploy and scale it?
#
# In development `manage.py runserver` starts daphne for you. In production you start daphne
# yourself, with options chosen for the internet, behind a proxy such as nginx, and as several
# processes that share one Redis. This notebook runs each of those pieces on `127.0.0.1`,
# measures what each server and layer costs, and then floods one chat room until messages go
# missing, so that you can see why and configure them back.
#
# Every consumer the servers below run is defined on this page, in a cell that starts with
# `%%lesson`: the cell runs here *and* becomes part of a module named `lesson`, which daphne
# serves. Edit one, re-run its cell, and the next connection uses your version.

# %%
import asyncio
import contextlib
import json
import socket
import time

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from channels_lab import check, run_daphne, run_redis, setup_django

setup_django()

servers = contextlib.ExitStack()  # the two lesson daphnes, closed after "Several daphne processes"

# %% [markdown]
# Django is configured and the `%%lesson` magic is ready. The lesson's consumers share these
# imports:

# %%
# %%lesson
import time

from channels.generic.websocket import AsyncWebsocketConsumer, JsonWebsocketConsumer, WebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application
from django.urls import path

# %% [markdown]
# The imports are the first part of the module `lesson`. The first consumer sends every frame
# straight back:

# %%
# %%lesson
class EchoConsumer(WebsocketConsumer):
    """Sends every text or binary frame back."""

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=text_data, bytes_data=bytes_data)

# %% [markdown]
# `EchoConsumer` overrides only `receive`; the base class accepts every connection. The second
# one tells a client what daphne wrote into its scope, which is how we will see what a proxy's
# headers change:

# %%
# %%lesson
class WhoAmI(JsonWebsocketConsumer):
    """Sends the scope's client address (and its scheme, if it has one), then closes."""

    def connect(self):
        self.accept()
        self.send_json({"client": list(self.scope["client"]), "scheme": self.scope.get("scheme")})
        self.close()

# %% [markdown]
# `scope["client"]` is the `[host, port]` pair daphne puts there; `scheme` is read with
# `.get()`, so a scope without one shows `null`. The third consumer keeps its process busy:

# %%
# %%lesson
class CrunchConsumer(AsyncWebsocketConsumer):
    """Given a number of seconds as text, computes for that long without awaiting, then says "done"."""

    async def receive(self, text_data=None, bytes_data=None):
        until = time.monotonic() + float(text_data)
        while time.monotonic() < until:
            pass  # pure CPU work: nothing else in this process's event loop runs meanwhile
        await self.send(text_data="done")

# %% [markdown]
# The loop never awaits, like any CPU-heavy code (resizing an image, parsing a big file) run
# straight in an async consumer. The fourth consumer is a chat room, one group per URL:

# %%
# %%lesson
class RoomConsumer(AsyncWebsocketConsumer):
    """Every text frame goes to everyone in the room (the sender too), through the channel layer."""

    async def connect(self):
        self.group = "room." + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.group, {"type": "room.message", "text": text_data})

    async def room_message(self, event):
        await self.send(text_data=event["text"])

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

# %% [markdown]
# `RoomConsumer` joins its group *before* accepting, so once a client's handshake is done it is
# in the room. Which layer holds the group is not in the code: it comes from the settings of
# the process that runs it. Last, the routes, with Django behind `"http"`:

# %%
# %%lesson
application = ProtocolTypeRouter({
    "http": get_asgi_application(),
    "websocket": URLRouter([
        path("echo/", EchoConsumer.as_asgi()),
        path("whoami/", WhoAmI.as_asgi()),
        path("crunch/", CrunchConsumer.as_asgi()),
        path("ws/rooms/<slug:room>/", RoomConsumer.as_asgi()),
    ]),
})

# %% [markdown]
# There is no origin check in front of these routes, so that a cell's Python client needs no
# `Origin` header; notebook 09 explains why a real deployment keeps one.

# %% [markdown]
# ## daphne's command line, the shortest version
#
# `daphne -b HOST -p PORT module:application` is all it takes. Here `run_daphne` adds `-b
# 127.0.0.1 -p 0` (a free port) and we add four production options: a 1000-byte limit on
# incoming messages, a keepalive ping after 1 s of silence that must be answered within 1 s,
# and `--proxy-headers` (see "Behind nginx").

# %%
strict = servers.enter_context(run_daphne("lesson:application", args=(
    "--websocket-max-message-size", "1000",
    "--ping-interval", "1",
    "--ping-timeout", "1",
    "--proxy-headers",
)))

async with connect(strict.ws_url("/echo/"), max_size=None) as ws:
    await ws.send("a" * 900)
    print("900 bytes echoed:", len(await ws.recv()) == 900)
    await ws.send("b" * 2000)
    try:
        await ws.recv()
    except ConnectionClosed:
        print("2000 bytes: connection closed with code", ws.close_code)

# %% [markdown]
# The message under the limit came back. The one over it was never given to the consumer:
# daphne's WebSocket engine (autobahn) dropped the TCP connection at once, so the client saw
# **1006** (closed without a close frame), not a polite 1009 "message too big". The default
# limit is 1 MiB; pick one that fits your largest legitimate message, because without it any
# anonymous client can make the server buffer a huge message in memory.

# %% [markdown]
# ## Which flags exist, and how they are spelled
#
# The flags are defined in `daphne/cli.py`. Reading them from daphne's own parser avoids
# guessing: note that some use hyphens and some underscores.

# %%
from daphne.cli import CommandLineInterface

wanted = ("-b", "-p", "--websocket_timeout", "--ping-interval", "--ping-timeout",
          "--websocket-max-message-size", "--websocket-max-frame-size",
          "--application-close-timeout", "--proxy-headers", "--proxy-headers-host")
for action in CommandLineInterface().parser._actions:
    names = [name for name in action.option_strings if name in wanted]
    if names:
        print(f"{' / '.join(action.option_strings):<32} default {action.default!r}")

# %% [markdown]
# The message and frame limits (1 MiB), the ping interval (20 s) and timeout (30 s), the
# proxy options (off), and `--websocket_timeout` (with underscores), which closes *every*
# WebSocket after that many seconds; its default is a day. But `-b` and `-p` say `None`: the
# parser leaves them empty, and daphne fills them in only after parsing, in
# `CommandLineInterface.run`:

# %%
import inspect

import daphne.cli

lines, first = inspect.getsourcelines(CommandLineInterface.run)
for number, line in enumerate(lines, first):
    if "= DEFAULT_" in line:
        print(f"daphne/cli.py:{number}: {line.strip()}")
print("DEFAULT_HOST =", repr(daphne.cli.DEFAULT_HOST), " DEFAULT_PORT =", daphne.cli.DEFAULT_PORT)

# %% [markdown]
# With neither `-b` nor `-p` (nor a socket option) daphne binds `127.0.0.1:8000`; with only one
# of them it fills in the other. So `daphne app` listens on localhost only: a container or
# another machine reaches it only with `-b 0.0.0.0` (or behind a proxy on the same host).

# %% [markdown]
# ### Pitfall: a guessed spelling
#
# Older examples (and many blog posts) write the size flag with underscores. The first thing
# the `daphne` command does is hand its arguments to this parser (`CommandLineInterface.run`),
# so we can ask the parser what would happen, without starting anything:

# %%
import io

parser = CommandLineInterface().parser
parser.prog = "daphne"  # the name argparse puts in its message
complaint = io.StringIO()
try:
    with contextlib.redirect_stderr(complaint):
        parser.parse_args(["--websocket_max_message_size", "1000", "lesson:application"])
except SystemExit as refused:
    print("exit status:", refused.code)
print(complaint.getvalue().strip().splitlines()[-1])

# %% [markdown]
# daphne would refuse to start at all. Status 2 is argparse's "bad command line" (the `1000`
# was taken for the application, so two words are left over). In a systemd unit or a
# container this is a service that restarts forever, so check the spelling with
# `daphne --help`, or from the parser as above.

# %% [markdown]
# ### Keepalive pings, seen on the wire
#
# A proxy or a NAT box forgets a TCP connection that stays silent too long. daphne pings an idle
# connection after `--ping-interval` seconds and drops it if the pong does not come within
# `--ping-timeout`. To see both we need a client that does *not* answer pings, so we speak the
# protocol by hand over a plain socket. First the handshake:

# %%
import base64
import os


def raw_websocket(server, path):
    """Open a WebSocket to ``server`` by hand on a plain socket; return the socket and the status line."""
    sock = socket.create_connection((server.host, server.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)  # one byte at a time: stop exactly at the end of the response head
    return sock, head.split(b"\r\n")[0].decode()


silent, status = raw_websocket(strict, "/echo/")
started = time.monotonic()
print(status)

# %% [markdown]
# The connection is open (101), and from now on the socket sends nothing. The first thing to
# arrive from the server is a frame header; its low four bits are the opcode:

# %%
first = silent.recv(2)
print(f"first frame from the server: opcode {first[0] & 0x0F:#x} (0x9 is a ping)")

# %% [markdown]
# A ping (opcode 0x9). daphne looks for idle connections every 2 s (`daphne/server.py`, line
# 340), so with `--ping-interval 1` it comes 1 to 3 s after the handshake. Browsers and the
# `websockets` client answer it automatically with a pong. Our socket keeps reading and never
# answers:

# %%
with contextlib.suppress(ConnectionResetError), silent:
    while silent.recv(1024):
        pass  # we read, but never send the pong
print(f"the server dropped us {time.monotonic() - started:.1f} s after the handshake")

# %% [markdown]
# `recv` returned nothing: daphne closed the connection shortly after the unanswered ping.
# Real clients stay connected this way, and a dead one is found within interval + timeout.
# Keep the proxy's read timeout (nginx's `proxy_read_timeout`, 60 s by default) longer than
# daphne's ping interval, or the proxy cuts idle chats first.

# %% [markdown]
# ## Behind nginx
#
# In production a proxy terminates TLS (`wss://`), serves static files and spreads connections
# over several daphne processes. The configuration comes in pieces below, each next to the cell
# that shows what it is for (as text: the cells play nginx's part by sending what nginx would
# send). First, the daphne processes nginx spreads connections over:
#
# ```nginx
# upstream channels_lab {
#     server 127.0.0.1:8001;   # daphne -b 127.0.0.1 -p 8001 --proxy-headers myproject.asgi:application
#     server 127.0.0.1:8002;   # a second daphne process, same command with -p 8002
# }
# ```
#
# Then the site. WebSocket needs two things from a proxy: HTTP/1.1 towards daphne, and the
# hop-by-hop `Upgrade` and `Connection` headers passed on, because a proxy removes them by
# default:
#
# ```nginx
# map $http_upgrade $connection_upgrade {   # "Connection: upgrade" only when the client asked
#     default upgrade;
#     ''      close;
# }
#
# server {
#     listen 443 ssl;
#     server_name chat.example.org;
#     ssl_certificate     /etc/ssl/chat.example.org.pem;
#     ssl_certificate_key /etc/ssl/chat.example.org.key;
#
#     location /static/ { alias /srv/channels-lab/static/; }
#
#     location / {
#         proxy_pass http://channels_lab;
#         proxy_http_version 1.1;                          # WebSocket needs HTTP/1.1
#         proxy_set_header Upgrade $http_upgrade;          # hop-by-hop: pass them on explicitly
#         proxy_set_header Connection $connection_upgrade;
#         proxy_read_timeout 120s;                         # longer than daphne's --ping-interval
#         # ... the four header lines of the next sections go here
#     }
# }
# ```
#
# What the missing `Upgrade` lines would cause is easy to reproduce: send daphne the same request
# without them, as a proxy that strips them would.

# %%
def request(path, headers, host="127.0.0.1"):
    """Send one GET with ``headers`` to the strict daphne; return the status line."""
    with socket.create_connection((strict.host, strict.port), timeout=10) as sock:
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}", *headers, "", ""]
        sock.sendall("\r\n".join(lines).encode())
        return sock.recv(4096).split(b"\r\n")[0].decode()


upgrade = ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]
print("with Upgrade headers:   ", request("/echo/", upgrade))
print("Upgrade headers removed:", request("/echo/", upgrade[2:]))

# %% [markdown]
# With the headers daphne switched protocols (101). Without them the request is ordinary HTTP,
# which the lesson's `"http"` route hands to Django, and Django has no view at `/echo/`: 404,
# and in the browser `onclose` fires with code 1006. An error like that in production almost
# always means the proxy's `Upgrade` lines.

# %% [markdown]
# ### `Host` is for Django; the origin check reads `Origin`
#
# ```nginx
#         proxy_set_header Host $host;                     # the name the browser asked for
# ```
#
# Without this line nginx sends `Host: channels_lab` (the upstream's name), and Django's
# `ALLOWED_HOSTS` check refuses every page with that name:

# %%
print("GET / with Host: 127.0.0.1   ", request("/", []))
print("GET / with Host: channels_lab", request("/", [], host="channels_lab"))

# %% [markdown]
# Django answered 400 Bad Request (`DisallowedHost`) for a name missing from `ALLOWED_HOSTS`.
# The WebSocket origin check, on the other hand, does not look at `Host` at all:
# `OriginValidator.__call__` reads only the `Origin` header (`channels/security/websocket.py`,
# lines 27–33). Two handshakes in-process, each with one of the two headers right:

# %%
from channels.security.websocket import AllowedHostsOriginValidator
from channels.testing import WebsocketCommunicator

guarded = AllowedHostsOriginValidator(EchoConsumer.as_asgi())  # ALLOWED_HOSTS = 127.0.0.1, localhost


async def accepted(host, origin):
    client = WebsocketCommunicator(guarded, "/echo/", headers=[(b"host", host), (b"origin", origin)])
    connected, _ = await client.connect()
    await client.disconnect()
    return connected


print("Host right, Origin another site's: accepted", await accepted(b"127.0.0.1", b"https://evil.example"))
print("Host wrong, Origin the site's own: accepted", await accepted(b"evil.example", b"http://127.0.0.1"))

# %% [markdown]
# The verdict followed `Origin` both times and ignored `Host`. nginx passes `Origin` on
# unchanged (it is an ordinary header), so behind the proxy the check sees what the browser
# sent; `ALLOWED_HOSTS` must list the public name (`chat.example.org`) for both checks.

# %% [markdown]
# ### The client's address behind a proxy
#
# ```nginx
#         proxy_set_header X-Forwarded-For $remote_addr;   # replace, never append: see below
#         proxy_set_header X-Forwarded-Port $remote_port;  # replace this one too: daphne believes it
#         proxy_set_header X-Forwarded-Proto $scheme;
# ```
#
# Behind nginx every connection comes from nginx's address. With `--proxy-headers` daphne
# takes the client's address from `X-Forwarded-For` instead; the strict daphne above has it,
# a second daphne started without it does not.

# %%
plain = servers.enter_context(run_daphne("lesson:application"))


async def whoami(server, headers):
    """What ``server``'s WhoAmI reports for a connection that sends ``headers``."""
    async with connect(server.ws_url("/whoami/"), additional_headers=headers) as ws:
        return json.loads(await ws.recv())


print("--proxy-headers:   ", await whoami(strict, {"X-Forwarded-For": "203.0.113.9"}))
print("no --proxy-headers:", (await whoami(plain, {"X-Forwarded-For": "203.0.113.9"}))["client"][0])

# %% [markdown]
# With `--proxy-headers` the consumer's `scope["client"]` is the forwarded address (port 0: no
# `X-Forwarded-Port` was sent); without it the header is ignored and the client is the real
# peer, `127.0.0.1`. Two things the source (`daphne/ws_protocol.py`) shows: daphne reads
# `X-Forwarded-Proto` but puts no `scheme` in a WebSocket scope (`null` above), and it takes the
# **first** address of a list. That is why the nginx lines *replace* the header with
# `$remote_addr`: appending (`$proxy_add_x_forwarded_for`) keeps whatever the client sent first.

# %%
forged = await whoami(strict, {"X-Forwarded-For": "198.51.100.66, 203.0.113.9"})  # what an appending proxy passes on
print("client believed by daphne:", forged["client"][0])

# %% [markdown]
# A client that sends its own `X-Forwarded-For: 198.51.100.66` through an appending proxy gets
# its forged address believed. The port needs the same care. nginx passes on every header it
# is not told to set, and `parse_x_forwarded_for` (`daphne/utils.py`, lines 76–85) takes the
# port from `X-Forwarded-Port` whenever it took an address. A proxy that *replaces*
# `X-Forwarded-For` but says nothing about the port, with a client that adds its own:

# %%
through_proxy = {"X-Forwarded-For": "203.0.113.9",  # set by the proxy
                 "X-Forwarded-Port": "4444"}        # sent by the client, passed on untouched
print("client believed by daphne:", (await whoami(strict, through_proxy))["client"])

# %% [markdown]
# daphne believed the client's port. That is why the nginx lines set `X-Forwarded-Port` as
# well: whatever the client sent is then overwritten. And only use `--proxy-headers` behind a
# proxy: facing clients directly, anyone can claim any address and port.

# %% [markdown]
# ## Several daphne processes
#
# ### One process, one core
#
# A daphne process runs every connection's async code on one event loop, in one thread, and
# its sync consumers share one worker thread (notebook 06); Python's global interpreter lock
# lets only one thread of a process run Python at a time anyway. So one process computes on
# one core at most. `CrunchConsumer` shows what that means: while it computes on one
# connection of the strict daphne, we ask `EchoConsumer` for an echo on the same daphne and on
# the other one, at the same moment.

# %%
async def seconds_until_answer(websocket, asked):
    """Seconds from ``asked`` until ``websocket`` receives its next frame."""
    await websocket.recv()
    return time.monotonic() - asked


async with connect(strict.ws_url("/crunch/")) as busy, \
           connect(strict.ws_url("/echo/")) as same, connect(plain.ws_url("/echo/")) as other:
    await busy.send("1.0")  # one second of computing on the strict daphne
    await asyncio.sleep(0.2)  # the computation has begun: 0.8 s of it are left
    asked = time.monotonic()
    await same.send("ping")
    await other.send("ping")
    _, same_wait, other_wait = await asyncio.gather(*(seconds_until_answer(ws, asked) for ws in (busy, same, other)))
for name, waited in (("same process", same_wait), ("other process", other_wait)):
    print(f"{name:<14} echo after {waited:.2f} s; it waited for the computation (over half a second): {waited > 0.5}")

# %% [markdown]
# On the same process the echo came back only when the computation ended, about 0.8 s later:
# the event loop that reads the echo's frame was busy. On the other process it came back at
# once, computed on another core. That is why production runs several processes (commonly one per core), and why CPU
# work inside a consumer belongs in a thread (`sync_to_async`, notebook 06) or better in a
# worker process: a thread still shares the process's one core.

# %% [markdown]
# ### They must share a layer
#
# With several processes a chat room has members in each. Alice connects to one process, Bob
# to another, both in room `lobby` of `RoomConsumer`. The two lesson daphnes run with the demo
# project's default, the in-memory layer:

# %%
async def alice_to_bob(first, second, room="lobby", wait=2.0):
    """Alice (on ``first``) writes to ``room``; return what Bob (on ``second``) hears within ``wait`` s, or None."""
    async with connect(first.ws_url(f"/ws/rooms/{room}/")) as alice, \
               connect(second.ws_url(f"/ws/rooms/{room}/")) as bob:
        await alice.send("hello from the other process")
        await alice.recv()  # Alice hears herself: her own process delivered it
        try:
            return await asyncio.wait_for(bob.recv(), timeout=wait)
        except TimeoutError:
            return None


print("Bob heard:", await alice_to_bob(strict, plain, wait=0.5))

# %% [markdown]
# Bob heard nothing in half a second, and never would: each process had its own in-memory
# layer, so each had its own group `room.lobby`; Alice's `group_send` reached only the members
# in her process. No error, no log line: the message simply never left the process. The
# lesson daphnes have served their purpose:

# %%
for server in (strict, plain):
    server.process.terminate()  # both stop at once; closing the stack then waits for each
servers.close()
print("lesson daphnes stopped:", strict.process.poll() is not None and plain.process.poll() is not None)

# %% [markdown]
# The fix is a layer outside the processes. The demo project's settings switch to
# `RedisChannelLayer` when `REDIS_URL` is set (and read the capacity from `CHANNEL_CAPACITY`),
# so we start one redis-server for the rest of the notebook and two daphnes that use it, with
# the channel layers' default capacity, 100:

# %%
scale = contextlib.ExitStack()  # redis-server and the daphnes that use it, closed before the exercises
redis = scale.enter_context(run_redis())


def daphnes_on_redis(capacity):
    """Two daphne processes serving the lesson, sharing the redis-server, with this channel capacity."""
    env = {"REDIS_URL": redis.url, "CHANNEL_CAPACITY": str(capacity), "DEMO_DATABASE": ":memory:"}
    return [scale.enter_context(run_daphne("lesson:application", env=env)) for _ in range(2)]


small = daphnes_on_redis(100)
print("daphnes sharing the redis-server:", len(small))

# %% [markdown]
# Alice and Bob again, one on each of the new processes:

# %%
print("Bob heard:", await alice_to_bob(*small))

# %% [markdown]
# Now the group lives in Redis (a sorted set of channel names), and `group_send` from either
# process reaches members in both. In production both processes sit behind the nginx
# `upstream` above; nginx spreads new connections between them, and Redis joins the rooms up.

# %% [markdown]
# ## What does each layer cost? A small benchmark
#
# `make bench` (`benchmarks/bench.py`) measures, in one run, a raw `websockets` server (no
# Django, no Channels: the Python ceiling), daphne with a bare async and a bare sync echo
# consumer, the demo's own consumers on the same daphne, and group fan-out. Compression is off
# everywhere, since daphne has none. Here is its quick mode, without the Redis rows (the full
# run has them); the numbers depend on your machine and on what else it is doing, so this
# cell's output is not compared by the tests.

# %%
# NBVAL_IGNORE_OUTPUT
from IPython.display import SVG, display

from benchmarks import bench

rows = await bench.measure(bench.SIZES["quick"], redis=False)
print(bench.report(rows))
display(SVG(bench.svg_bars(rows)))

# %% [markdown]
# Each bar is a rate divided by the raw server's of the same kind (echo or fan-out). Typically
# an async consumer keeps more of the ceiling than a sync one, whose every message crosses to a
# worker thread and back; the demo's consumers pay a little more for their middleware and JSON.
# Group fan-out costs most: the layer copies each message once per member (in memory) or once
# per process (Redis), and then `N` consumers each wake up to send their own frame, where raw
# `websockets.broadcast` writes `N` frames in one loop. The
# reference figures (`make bench`, full run) are in `benchmarks/README.md`.

# %% [markdown]
# ## A burst into a crowded room
#
# The load test (`benchmarks/load.py`) fills one room with clients spread over two daphne
# processes; then ten of them each send a burst of 20 messages at once. Every message should
# reach every client, and every delivery is counted. Here the room is `RoomConsumer` on the two
# capacity-100 daphnes above, with 20 clients (4,000 deliveries); `make bench` and
# `tests/test_load.py` run the demo's own room with 200 (40,000), and lose a similar share.

# %%
from benchmarks.load import burst_into_room

CLIENTS, SENDERS, BURST = 20, 10, 20  # 10 clients on each daphne
expected = SENDERS * BURST * CLIENTS
delivered, _ = await burst_into_room(small, CLIENTS, SENDERS, BURST, room="burst", quiet=1.0)  # ends after 1 s without a delivery
print("expected deliveries: 10 senders x 20 messages x", CLIENTS, "clients =", expected)
print("all delivered with capacity 100:", delivered == expected)

# %% [markdown]
# Some deliveries are missing. How many varies from run to run, so the next cell's output is
# not compared by the tests:

# %%
# NBVAL_IGNORE_OUTPUT
lost = expected - delivered
print(f"delivered {delivered} of {expected}, lost {lost} ({100 * lost / expected:.0f} %)")
print("lost in whole tens (each refused message missed all 10 clients of one daphne):", lost % (CLIENTS // 2) == 0)

# %% [markdown]
# About a third of the deliveries never happened, and nobody was told: no exception in the
# sender, nothing in daphne's output. Where did they go?
#
# - **In Redis, per process.** channels-redis keeps all the channels of one layer (one daphne
#   process) in *one* sorted set, and `capacity` limits that set. `group_send` runs a Lua
#   script that skips every full set and only logs "N of M channels over capacity" at INFO
#   level (`channels_redis/core.py`, lines 544–584). One skipped message is a lost delivery for
#   every client of that process, hence the whole tens. The burst put 200 messages into the
#   room faster than the processes took them out.
# - **In the process, per channel.** A process takes messages out of its sorted set for all its
#   channels together and parks each one in its channel's buffer until that consumer asks. The
#   buffer is a `BoundedQueue` of `capacity` messages that, when full, **drops the oldest**
#   (`channels_redis/core.py`, lines 62–72), and it has no expiry (`# TODO: message expiry?`,
#   line 425). The next cell shows it.
# - **In memory.** `InMemoryChannelLayer.group_send` catches `ChannelFull` and passes
#   (`channels/layers.py`); `make bench` shows it losing the same third in one process. Only a
#   plain `send()` to one channel raises `ChannelFull` at the caller.
#
# The in-process buffer is what a consumer that stopped reading meets, when the other consumers
# of its process keep reading. Two channels of one layer (one "process") in one group, capacity
# 10; 30 messages to the group, and after each one the healthy channel reads:

# %%
from channels_redis.core import RedisChannelLayer

layer = RedisChannelLayer(hosts=[{"address": redis.url, "socket_timeout": None}], capacity=10)
healthy, stuck = await layer.new_channel(), await layer.new_channel()
for channel in (healthy, stuck):
    await layer.group_add("buffered", channel)
for n in range(30):
    await layer.group_send("buffered", {"type": "room.message", "n": n})
    await layer.receive(healthy)  # the healthy consumer reads every message at once

key = layer.prefix + layer.non_local_name(stuck)  # the one sorted set both channels share
print("messages waiting in Redis:", await layer.connection(0).zcard(key))
print("waiting in the process for the stuck channel:", layer.receive_buffer[stuck].qsize())
print("what the stuck channel reads:", [(await layer.receive(stuck))["n"] for _ in range(10)])
await layer.flush()
await layer.close_pools()

# %% [markdown]
# Redis held nothing and nothing was over its capacity, yet the stuck channel lost messages
# 0–19: each time the healthy channel's read brought a message in, the stuck channel's copy
# went into its buffer, and from the eleventh on each new one pushed the oldest out. Notebook
# 07 shows the same layer from the consumers' side.
#
# The capacity is a safety valve for a consumer that stopped reading, not a rate limit. It must
# exceed the largest backlog a healthy channel meets. Measured with 200 clients of the demo's
# room: capacity 150 still lost 7–10 %, 180 lost nothing on a busy machine, and from 200 (the
# whole burst) nothing can be lost however slow the consumers are. The demo's settings now
# default to `CHANNEL_CAPACITY = 1000`, room for five such bursts. The same load with two
# daphnes at the new default:

# %%
from django.conf import settings

print("demo default CHANNEL_CAPACITY:", settings.CHANNEL_CAPACITY)
roomy = daphnes_on_redis(settings.CHANNEL_CAPACITY)

# %% [markdown]
# Two more daphnes on the same redis-server, started with capacity 1000. The same burst into
# them:

# %%
delivered, _ = await burst_into_room(roomy, CLIENTS, SENDERS, BURST, room="burst", quiet=5.0)  # ends when all arrived
print(f"delivered {delivered} of {expected}, lost {expected - delivered}")

# %% [markdown]
# Every one of the 4,000 deliveries arrived (and all 40,000 in the full test). Capacity is
# read from the settings when each process starts, so set it (here through the
# `CHANNEL_CAPACITY` environment variable) for every daphne alike. A larger capacity costs
# memory only while a backlog exists. A client that really stops reading is still capped: its
# messages still in Redis expire after the layer's `expiry` (60 s by default), but those
# already in its process's buffer wait there, the newest `capacity` of them, until it reads or
# disconnects.

# %%
for server in [*small, *roomy]:
    server.process.terminate()  # all four stop at once; closing the stack then waits for each
scale.close()
print("redis-server and daphnes stopped:", all(s.process.poll() is not None for s in [redis, *small, *roomy]))

# %% [markdown]
# Closing the `ExitStack` stopped redis-server and the four daphnes; nothing is left running.

# %% [markdown]
# ## Exercises
#
# **ex23 · Write daphne's command line for production.** In `exercises/ex23_daphne_command.py`
# write `daphne_command(application, *, host, port, max_message_bytes, ping_interval,
# ping_timeout, behind_proxy)`: the list `["daphne", ...]` that starts daphne with those
# options, with `--proxy-headers` only when `behind_proxy` is true. The tests parse it with
# daphne's own parser and run it.

# %%
check("ex23")

# %% [markdown]
# **ex24 · Two apps, the same Redis servers, kept apart.** In `exercises/ex24_redis_layers.py`
# write `channel_layers(redis_urls, capacity)`, returning a `CHANNEL_LAYERS` setting with two
# Redis layers: the chat's `"default"` and a `"jobs"` layer for background workers, each with its
# own prefix, capacity and expiry, both spread over every server in `redis_urls`, and neither
# timing out a quiet connection. The tests build both layers against two real redis-servers.

# %%
check("ex24")
