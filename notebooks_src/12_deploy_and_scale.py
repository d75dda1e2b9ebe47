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
from channels_lab.nginx import run_nginx

setup_django()

servers = contextlib.ExitStack()  # the two lesson daphnes, closed after "Several daphne processes"

# %% [markdown]
# Django is configured and the `%%lesson` magic is ready. The lesson's consumers share these
# imports:

# %%
# %%lesson
import os
import time

from channels.generic.websocket import AsyncWebsocketConsumer, JsonWebsocketConsumer, WebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
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
# headers change, and which daphne process served it:

# %%
# %%lesson
PROCESS = os.environ.get("LESSON_PROCESS", "")  # a label each daphne gets in its environment


class WhoAmI(JsonWebsocketConsumer):
    """Sends the scope's client address and scheme, the Host, Origin and X-Forwarded-For headers, and this process's label; closes."""

    def connect(self):
        headers = dict(self.scope["headers"])
        self.accept()
        self.send_json({"client": list(self.scope["client"]), "scheme": self.scope.get("scheme"),
                        "host": headers.get(b"host", b"").decode(), "origin": headers.get(b"origin", b"").decode(),
                        "x_forwarded_for": headers.get(b"x-forwarded-for", b"").decode(), "process": PROCESS})
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
# the process that runs it. The same room, greeting each member with the process that serves
# it (for "Several daphnes behind one `upstream`"):

# %%
# %%lesson
class ServedRoomConsumer(RoomConsumer):
    """A RoomConsumer that first tells its client which process serves it: "process A"."""

    async def connect(self):
        await super().connect()
        await self.send(text_data=f"process {PROCESS}")

# %% [markdown]
# A chat page for the same room. Its script joins the room, shows every message, and when the
# socket closes for a reason worth retrying it dials again after a wait that doubles at each
# failure, with some randomness so that a thousand pages dropped together do not come back in
# the same instant:

# %%
# %%lesson
CHAT_PAGE = """<!doctype html>
<title>Lobby</title>
<link rel="icon" href="data:,">
<ol id="log"></ol>
<script>
const RETRY = new Set([1001, 1006, 1011, 1012, 1013]);  // going away, dropped, server error, restart, try later
let wait = 1000;  // ms before the next attempt (the first waits 0.5 to 1 s)

function show(text) {
  const line = document.createElement("li");
  line.textContent = text;
  document.getElementById("log").append(line);
}

function join() {
  const socket = new WebSocket(`ws://${location.host}/ws/served/lobby/`);
  socket.onopen = () => { wait = 1000; };
  socket.onmessage = (event) => show(event.data);
  socket.onclose = (event) => {
    if (!RETRY.has(event.code)) { show(`closed ${event.code}: not retrying`); return; }
    const delay = Math.round(wait * (0.5 + Math.random() / 2));
    show(`closed ${event.code}, retrying in ${delay} ms`);
    setTimeout(join, delay);
    wait = Math.min(2 * wait, 16000);
  };
}
join();
</script>
"""

# %% [markdown]
# A close with a code in `RETRY` (1006 is "dropped without a close frame") schedules the next
# attempt; any other code (1000, or an application's 4000–4999) ends the page's attempts. The
# lesson serves the page at `/chat/` and hands every other HTTP request to Django:

# %%
# %%lesson
django_http = get_asgi_application()


async def http_app(scope, receive, send):
    """``GET /chat/``: CHAT_PAGE; anything else: Django."""
    if scope["path"] != "/chat/":
        return await django_http(scope, receive, send)
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html; charset=utf-8")]})
    await send({"type": "http.response.body", "body": CHAT_PAGE.encode()})

# %% [markdown]
# Last, the routes:

# %%
# %%lesson
application = ProtocolTypeRouter({
    "http": http_app,
    "websocket": URLRouter([
        path("echo/", EchoConsumer.as_asgi()),
        path("whoami/", WhoAmI.as_asgi()),
        path("guarded/whoami/", AllowedHostsOriginValidator(WhoAmI.as_asgi())),
        path("crunch/", CrunchConsumer.as_asgi()),
        path("ws/rooms/<slug:room>/", RoomConsumer.as_asgi()),
        path("ws/served/<slug:room>/", ServedRoomConsumer.as_asgi()),
    ]),
})

# %% [markdown]
# Only `guarded/whoami/` has an origin check in front of it (for "Behind nginx"); the other
# routes have none, so that a cell's Python client needs no `Origin` header. Notebook 09
# explains why a real deployment keeps one on every route.

# %% [markdown]
# ## daphne's command line, the shortest version
#
# `daphne -b HOST -p PORT module:application` is all it takes. Here `run_daphne` adds `-b
# 127.0.0.1 -p 0` (a free port) and we add four production options: a 1000-byte limit on
# incoming messages, keepalive pings (`--ping-interval 1`: how often they really come is shown
# below) that must be answered within at most 1 s (see below), and `--proxy-headers` (see
# "Behind nginx").

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
pinged = time.monotonic()
print(f"first frame from the server: opcode {first[0] & 0x0F:#x} (0x9 is a ping)")

# %% [markdown]
# A ping (opcode 0x9). daphne looks for idle connections every 2 s (`daphne/server.py`, line
# 340), so with `--ping-interval 1` it comes 1 to 3 s after the handshake (measured under
# "An idle socket" below). A client must answer a ping with a pong (RFC 6455, section 5.5.2);
# the `websockets` client does so by itself. Our socket keeps reading and never answers:

# %%
try:
    with silent:
        while silent.recv(1024):
            pass  # we read, but never send the pong
    ended = "closed"
except ConnectionResetError as reset:
    ended = f"reset: {reset.strerror}"
dropped = time.monotonic()
print(f"the connection was {ended}, {dropped - started:.1f} s after the handshake; "
      f"within 1 s (--ping-timeout) of the unanswered ping: {0 < dropped - pinged <= 1.1}")

# %% [markdown]
# `recv` raised `ConnectionResetError`: within `--ping-timeout` of the unanswered ping,
# autobahn dropped the connection, with no close frame and a TCP reset
# (`autobahn/websocket/protocol.py`: lines 2213–2220 start the wait at the ping, 955–965 call
# `dropConnection(abort=True)`; Twisted then closes with `SO_LINGER` 0, which sends the reset,
# `twisted/internet/tcp.py`, lines 171–177). Within, not after: autobahn's timer (txaio's batched timer) cuts each deadline
# down to a whole second of the clock (`txaio/_common.py`, line 88), so the drop comes between
# `--ping-timeout` minus 1 s and `--ping-timeout` after the ping. Real clients stay connected this way, and a dead one is found within the
# ping's delay (up to interval + 2 s, below) plus the timeout. A proxy in between must not
# cut the connection during the longest silence between two pings; "Behind nginx" measures it.

# %% [markdown]
# ## Behind nginx
#
# In production a proxy terminates TLS (`wss://`), serves static files and spreads connections
# over several daphne processes. Here a real nginx runs in front of the daphnes:
# `run_nginx(text, **ports)` (`channels_lab/nginx.py`) puts `text` inside nginx's `http { }`
# block, replaces `{port}` by a free port of 127.0.0.1 for nginx to listen on and each other
# `{name}` by the value given, runs nginx in the foreground from a temporary directory (its pid
# file, error log and buffers inside), and at the end of the `with` block stops it and removes
# the directory. This configuration is what the cells below run, whole or with named lines
# taken out:

# %%
SITE = """
map $http_upgrade $connection_upgrade {              # "Connection: upgrade" only if the client asked
    default upgrade;
    ''      close;
}

upstream channels_lab {
    server 127.0.0.1:{daphne_port};                  # daphne -p ... --proxy-headers
}

server {
    listen 127.0.0.1:{port};                         # in production: listen 443 ssl; server_name ...

    location / {
        proxy_pass http://channels_lab;
        proxy_http_version 1.1;                          # WebSocket needs HTTP/1.1
        proxy_set_header Upgrade $http_upgrade;          # hop-by-hop: pass them on explicitly
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;                     # the name the browser asked for
        proxy_set_header X-Forwarded-For $remote_addr;   # replace, never append
        proxy_set_header X-Forwarded-Port $remote_port;  # replace this one too: daphne believes it
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 4s;                           # short here, to watch it; above daphne's pings
    }
}
"""

# %% [markdown]
# `map` sets `$connection_upgrade` from the client's `Upgrade` header, the `upstream` names the
# daphnes, and the `location` passes everything to them. To break it one line at a time, two
# small helpers make variants of the text:

# %%
def without(conf, *directives):
    """``conf`` without the lines holding each of ``directives`` (each must be there)."""
    lines = conf.splitlines()
    for directive in directives:
        kept = [line for line in lines if line.split("#")[0].strip() != directive]
        assert len(kept) < len(lines), f"{directive!r} is not in the configuration"
        lines = kept
    return "\n".join(lines)


def replaced(conf, old, new):
    """``conf`` with ``old`` (found exactly once) replaced by ``new``."""
    assert conf.count(old) == 1, f"{old!r} is not once in the configuration"
    return conf.replace(old, new)

# %% [markdown]
# Each variant is still the page's text, minus or plus exactly what its name says.

# %% [markdown]
# ### The handshake: `Upgrade`, `Connection` and HTTP/1.1
#
# A WebSocket begins as an HTTP request carrying `Upgrade: websocket` and `Connection: Upgrade`.
# Both are hop-by-hop headers, which a proxy does not pass on unless told to, and nginx speaks
# HTTP/1.0 to an upstream unless `proxy_http_version` says otherwise. The strict daphne from
# above behind nginx, with and without those lines:

# %%
from websockets.exceptions import InvalidStatus


async def handshake(nginx, path="/echo/"):
    """Open a WebSocket through ``nginx`` and send one echo; say what came back."""
    try:
        async with connect(nginx.ws_url(path)) as ws:
            await ws.send("hello")
            return f"101 Switching Protocols, echo {await ws.recv()!r}"
    except InvalidStatus as refused:
        return f"refused: HTTP {refused.response.status_code}"


UPGRADE = ("proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;")
variants = {
    "the page's configuration": SITE,
    "without the Connection line": without(SITE, UPGRADE[1]),
    "without the Upgrade and Connection lines": without(SITE, *UPGRADE),
    "without those and proxy_http_version 1.1": without(SITE, *UPGRADE, "proxy_http_version 1.1;"),
}
for name, conf in variants.items():
    with run_nginx(conf, daphne_port=strict.port) as nginx:
        print(f"{name:<42} {await handshake(nginx)}")

# %% [markdown]
# With the lines, the echo came back through nginx. Without the `Connection` line nginx sent its
# default `Connection: close` next to `Upgrade: websocket`: daphne saw an upgrade and handed the
# request to autobahn, which refuses a handshake whose `Connection` lacks `upgrade` with **400**
# (`autobahn/websocket/protocol.py`, lines 3129–3139; `failHandshake` answers 400, line 3544).
# Without `Upgrade` and `Connection` the
# request reached daphne as ordinary HTTP, which the lesson's `"http"` route hands to Django,
# and Django has no view at `/echo/`: the client got **404** instead of 101, and a browser's
# socket never opens. An error like that in production almost always means the proxy's
# `Upgrade` lines. What about `proxy_http_version 1.1` alone?

# %%
HTTP_1_0 = without(SITE, "proxy_http_version 1.1;")
with run_nginx(HTTP_1_0, daphne_port=strict.port) as nginx:
    print("daphne, the upgrade sent as HTTP/1.0:", await handshake(nginx))

# %% [markdown]
# daphne accepted it. Its WebSocket engine, autobahn, refuses any version but 1.1 with 505
# (`autobahn/websocket/protocol.py`, lines 2985–2988), but it never sees this one: daphne reads
# the request with Twisted's HTTP server and, finding `Upgrade: websocket`, hands autobahn the
# request line rewritten as `HTTP/1.1` (`daphne/http_protocol.py`, lines 118 and 139). RFC 6455
# (section 4.1) requires HTTP/1.1 or later, and a server without daphne's rewrite holds to it.
# The `websockets` library's own server, running in this kernel for a second opinion:

# %%
from websockets.asyncio.server import serve


async def echo_back(websocket):
    """Echo handler for a plain `websockets` server."""
    async for message in websocket:
        await websocket.send(message)


async with serve(echo_back, "127.0.0.1", 0) as other_server:
    other_port = other_server.sockets[0].getsockname()[1]
    for name, conf in (("HTTP/1.0", HTTP_1_0), ("HTTP/1.1", SITE)):
        with run_nginx(conf, daphne_port=other_port) as nginx:
            print(f"websockets server, the upgrade sent as {name}:", await handshake(nginx, "/"))

# %% [markdown]
# The `websockets` server refused the HTTP/1.0 upgrade with **505** (HTTP Version Not
# Supported) and accepted the same request as HTTP/1.1. Keep `proxy_http_version 1.1`: what
# daphne tolerates today is not the protocol.

# %% [markdown]
# ### An idle socket and `proxy_read_timeout`
#
# nginx closes a proxied WebSocket once nothing has crossed it for `proxy_read_timeout` (60 s
# by default; 4 s on this page). A chat where nobody speaks sends nothing, unless daphne pings.
# A second daphne, started without options (so it pings only after 20 s, its default):

# %%
plain = servers.enter_context(run_daphne("lesson:application"))
print("plain daphne:", plain.url)

# %% [markdown]
# Now one idle client behind nginx in front of each daphne, at the same time. The client sends
# nothing, not even its own pings, and waits five seconds:

# %%
import re


async def idle(nginx, seconds):
    """Open a WebSocket through ``nginx``, send nothing, and say what happened within ``seconds``."""
    started = time.monotonic()
    async with connect(nginx.ws_url("/echo/"), ping_interval=None) as ws:
        try:
            await asyncio.wait_for(ws.wait_closed(), seconds)
        except TimeoutError:
            return f"still open after {time.monotonic() - started:.1f} s"
        return f"closed after {time.monotonic() - started:.1f} s with code {ws.close_code}"


with run_nginx(SITE, daphne_port=plain.port, log_level="info") as to_plain, \
     run_nginx(SITE, daphne_port=strict.port) as to_strict:
    quiet, pinged = await asyncio.gather(idle(to_plain, 5), idle(to_strict, 5))
print("daphne pinging after 20 s:", quiet)
print("daphne pinging after 1 s: ", pinged)
print("nginx:", re.search(r"upstream timed out \(.*?\) while proxying upgraded connection", to_plain.output).group())

# %% [markdown]
# In front of the plain daphne nginx cut the connection after its 4 s, with no close frame
# (**1006** at the client), and its error log says why. In front of the strict daphne
# (`--ping-interval 1`) the pings crossed nginx and reset its timer, so the connection stayed
# open. daphne looks for idle connections only every 2 s (`daphne/server.py`, line 340) and
# pings one whose last ping (or handshake, or message from the client) is more than
# `--ping-interval` old (`daphne/ws_protocol.py`, lines 36, 153 and 294). So the pings are 2 s
# apart, not 1 s, and a connection opened less than 1 s before a check is passed over by it: its
# first ping waits for the check after, almost 3 s. Two hand-made clients that answer each ping
# with a pong and note when it came (a check pings every connection due, so A's pings mark the
# checks):

# %%
import threading


class PingListener(threading.Thread):
    """A WebSocket to the strict daphne opened by hand, answering each ping with a pong and noting when it came."""

    def __init__(self):
        super().__init__()
        self.sock, _ = raw_websocket(strict, "/echo/")
        self.opened, self.pings, self.stopping = time.monotonic(), [], threading.Event()
        self.start()

    def run(self):
        self.sock.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                head = self.sock.recv(2)
            except TimeoutError:
                continue
            payload = self.sock.recv(head[1] & 0x7F) if head[1] & 0x7F else b""  # short, unmasked from a server
            if head[0] & 0x0F == 0x9:
                self.pings.append(time.monotonic())
                mask = os.urandom(4)  # a client masks every frame it sends (RFC 6455, section 5.3)
                masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)

    def close(self):
        self.stopping.set()
        self.join()
        self.sock.close()

# %% [markdown]
# `run` reads frame headers; for a ping (opcode 0x9) it notes the time and sends a pong (opcode
# 0xA) with the ping's payload, masked as a client must. A opens now; B opens 1.3 s after A's
# first ping, and both listen until B has had its first:

# %%
with contextlib.ExitStack() as listening:
    a = listening.enter_context(contextlib.closing(PingListener()))
    while not a.pings:
        time.sleep(0.01)
    time.sleep(max(0.0, a.pings[0] + 1.3 - time.monotonic()))
    b = listening.enter_context(contextlib.closing(PingListener()))
    while not b.pings and time.monotonic() < b.opened + 4:
        time.sleep(0.01)
gaps = [later - earlier for earlier, later in zip(a.pings, a.pings[1:])]
print(f"A: first ping 1 to 3 s after the handshake: {1 <= a.pings[0] - a.opened <= 3.1}; "
      f"then one every 2 s: {len(gaps) >= 2 and all(1.9 < gap < 2.3 for gap in gaps)}")
print(f"B: first ping more than 2.5 s after the handshake: {bool(b.pings) and b.pings[0] - b.opened > 2.5}")

# %% [markdown]
# A was pinged at every check, 2 s apart. B opened 0.7 s before a check, which passed it over
# (its handshake was not 1 s old), and got its first ping at the check after: 2.7 s of silence,
# and up to 3 s for a connection opened just under 1 s before a check. So with
# `--ping-interval 1`, `proxy_read_timeout` must be more than 3 s (4 s on this page): in general
# more than the interval plus 2 s (in production: pings every 20 s, nginx at 60 s or more).
#
# nginx's page on WebSocket proxying says the connection closes when "the proxied server does
# not transmit any data"; what nginx 1.22 does is count silence in both directions. A server
# that reads every message and answers none, behind the page's nginx (4 s), and a client that
# stays silent, then one that sends a message every second:

# %%
async def swallow(websocket):
    """A `websockets` handler that reads every message and answers none."""
    with contextlib.suppress(ConnectionClosed):  # nginx ends the connection without a close frame
        async for _ in websocket:
            pass


async def talking(nginx, seconds, every=None):
    """Through ``nginx``, send a message every ``every`` s (never if None) for ``seconds``; say how it ended."""
    started = time.monotonic()
    async with connect(nginx.ws_url("/"), ping_interval=None) as ws:
        while (left := started + seconds - time.monotonic()) > 0:
            if every:
                await ws.send("anyone there?")
            try:
                await asyncio.wait_for(ws.wait_closed(), min(every or left, left))
                return f"closed by nginx after {time.monotonic() - started:.0f} s (code {ws.close_code})"
            except TimeoutError:
                pass
        return f"still open after {seconds} s"


async with serve(swallow, "127.0.0.1", 0, ping_interval=None) as mute_server:
    with run_nginx(SITE, daphne_port=mute_server.sockets[0].getsockname()[1]) as nginx:
        silent_client, talking_client = await asyncio.gather(talking(nginx, 5), talking(nginx, 5, every=1))
print("client silent:            ", silent_client)
print("client sends every second:", talking_client)

# %% [markdown]
# The server sent nothing either time. With the client silent too, nginx closed after its 4 s;
# with the client talking, the connection was still open after 5 s: a message either way
# restarts nginx's timer. So only a connection silent both ways needs daphne's pings, and the
# timeout to fear is the longest silence of the whole connection.

# %% [markdown]
# ### The client's address behind a proxy
#
# Behind nginx every connection comes from nginx. With `--proxy-headers` daphne takes the
# client's address from `X-Forwarded-For` and its port from `X-Forwarded-Port`
# (`parse_x_forwarded_for`, `daphne/utils.py`, lines 33–92). Everything here runs on one
# machine, so every address is 127.0.0.1; the port tells whose connection daphne describes:

# %%
async def whoami(nginx, headers=None, path="/whoami/"):
    """WhoAmI's report for a connection through ``nginx`` sending ``headers``, and this client's own port."""
    async with connect(nginx.ws_url(path), additional_headers=headers or {}) as ws:
        return json.loads(await ws.recv()), ws.local_address[1]


for name, daphne in (("--proxy-headers", strict), ("no --proxy-headers", plain)):
    with run_nginx(SITE, daphne_port=daphne.port) as nginx:
        report, own_port = await whoami(nginx)
    address, port = report["client"]
    print(f"{name:<19} client {address}, its port is this client's own: {port == own_port}; scheme {report['scheme']}")

# %% [markdown]
# With `--proxy-headers` daphne reported the client's own port (nginx's `$remote_port`); without
# it, not the client's: daphne then describes the TCP connection it accepted, which is nginx's
# (`daphne/ws_protocol.py`, lines 50–53), so every client looks like the proxy. daphne reads
# `X-Forwarded-Proto` (`daphne/ws_protocol.py`, line 60) but puts no `scheme` in a WebSocket
# scope (`None` both times). And daphne takes the **first** address of a list (`utils.py`,
# lines 71–72), which is why the page *replaces* `X-Forwarded-For` with `$remote_addr`. A
# client that forges the header, behind nginx appending to it (`$proxy_add_x_forwarded_for`,
# the client's header followed by `$remote_addr`) and behind the page's line:

# %%
APPENDING = replaced(SITE, "X-Forwarded-For $remote_addr;", "X-Forwarded-For $proxy_add_x_forwarded_for;")
forged = {"X-Forwarded-For": "198.51.100.66"}
for name, conf in (("appending ($proxy_add_x_forwarded_for)", APPENDING), ("replacing ($remote_addr)", SITE)):
    with run_nginx(conf, daphne_port=strict.port) as nginx:
        report, _ = await whoami(nginx, forged)
    print(f"{name:<39} daphne received X-Forwarded-For: {report['x_forwarded_for']!r:<29} "
          f"and believes the client is {report['client'][0]}")

# %% [markdown]
# Appending forwarded `198.51.100.66, 127.0.0.1`, and daphne believed the forged first entry;
# replacing threw the client's header away. (Appending is right only behind another proxy you
# trust, and then daphne, which takes the first entry, is the wrong reader.) The port needs the
# same care, since `parse_x_forwarded_for` takes it from `X-Forwarded-Port` whenever it took an
# address (lines 76–85). Without the page's `X-Forwarded-Port` line, a client that sends its own:

# %%
with run_nginx(without(SITE, "proxy_set_header X-Forwarded-Port $remote_port;"), daphne_port=strict.port) as nginx:
    report, _ = await whoami(nginx, {"X-Forwarded-Port": "4444"})
print("without the X-Forwarded-Port line, daphne believes the client's port is", report["client"][1])

# %% [markdown]
# nginx passed the client's own X-Forwarded-Port on, as it passes the client's other
# end-to-end headers unless told to set them, so daphne believed the client's 4444. And
# use `--proxy-headers` only behind a proxy: facing clients directly, anyone can claim any
# address and port.

# %% [markdown]
# ### `Host` is for Django; the origin check reads `Origin`
#
# `guarded/whoami/` is `WhoAmI` behind `AllowedHostsOriginValidator`, which accepts an `Origin`
# whose host is in `ALLOWED_HOSTS` (here `127.0.0.1` and `localhost`). Two clients, one sending
# the site's own origin and one another site's, through nginx with the page's configuration and
# without its `Host` line; and, for comparison, an HTTP `GET /` for Django:

# %%
import http.client


def page_status(nginx):
    """The status of ``GET /`` through ``nginx``."""
    conn = http.client.HTTPConnection(nginx.host, nginx.port, timeout=10)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status
    finally:
        conn.close()


async def guarded(nginx, origin):
    try:
        async with connect(nginx.ws_url("/guarded/whoami/"), origin=origin) as ws:
            seen = json.loads(await ws.recv())
            return f"accepted; it saw Host {seen['host']!r}, Origin {seen['origin']!r}"
    except InvalidStatus as refused:
        return f"refused: HTTP {refused.response.status_code}"


for name, conf in (("the page's configuration", SITE), ("without 'proxy_set_header Host'", without(SITE, "proxy_set_header Host $host;"))):
    with run_nginx(conf, daphne_port=strict.port) as nginx:
        print(f"{name}: GET / -> {page_status(nginx)}")
        for origin in (nginx.url, "https://evil.example"):
            print(f"    WebSocket from {origin}: {await guarded(nginx, origin)}")

# %% [markdown]
# Without the `Host` line nginx sent `Host: channels_lab` (the upstream's name), and Django
# refused the page with 400 (`DisallowedHost`); the WebSocket check did not mind, because
# `OriginValidator` reads only the `Origin` header (`channels/security/websocket.py`, lines
# 27–33). nginx passes `Origin` on untouched, so behind the proxy the check sees what the
# browser sent, and refused the other site (403) either way. `ALLOWED_HOSTS` must list the
# public name (`chat.example.org`) for both checks.

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


def redis_daphne(capacity, label, port=0):
    """A daphne process serving the lesson on the shared redis-server, with this channel capacity and label."""
    env = {"REDIS_URL": redis.url, "CHANNEL_CAPACITY": str(capacity), "DEMO_DATABASE": ":memory:",
           "LESSON_PROCESS": label}
    return scale.enter_context(run_daphne("lesson:application", env=env, port=port))


def daphnes_on_redis(capacity):
    """Two such processes, labelled A and B."""
    return [redis_daphne(capacity, label) for label in "AB"]


small = daphnes_on_redis(100)
print("daphnes sharing the redis-server:", len(small))

# %% [markdown]
# Alice and Bob again, one on each of the new processes:

# %%
print("Bob heard:", await alice_to_bob(*small))

# %% [markdown]
# Now the group lives in Redis (a sorted set of channel names), and `group_send` from either
# process reaches members in both.

# %% [markdown]
# ## Several daphnes behind one `upstream`
#
# In production both processes sit behind nginx: the `upstream` block lists them, and nginx
# gives each new connection to the next one in turn (round robin, its default). The page's
# configuration with a second `server` line, in front of the two daphnes on Redis:

# %%
SERVER_LINE = "server 127.0.0.1:{daphne_port};                  # daphne -p ... --proxy-headers"
SECOND_LINE = "server 127.0.0.1:{second_port};                  # a second daphne, the same options"
TWO = replaced(SITE, SERVER_LINE, f"{SERVER_LINE}\n    {SECOND_LINE}")
front = scale.enter_context(run_nginx(TWO, daphne_port=small[0].port, second_port=small[1].port))
print(re.search(r"upstream channels_lab \{.*?\}", front.conf, re.S).group())

# %% [markdown]
# nginx runs until `scale` is closed. Four clients join room `lobby` through it;
# `ServedRoomConsumer` first tells each which process serves it, then the first one speaks:

# %%
async with contextlib.AsyncExitStack() as clients:
    members = [await clients.enter_async_context(connect(front.ws_url("/ws/served/lobby/"))) for _ in range(4)]
    print("served by:", [await ws.recv() for ws in members])
    await members[0].send("hello, lobby")
    print("all four heard it:", [await ws.recv() for ws in members] == ["hello, lobby"] * 4)

# %% [markdown]
# The connections alternated between the two processes, and the room spans both: the message
# from a client of process A reached the clients of B through Redis.

# %% [markdown]
# ### Restarting one daphne
#
# A deployment restarts each daphne in turn, and a restart drops every connection of that
# process. The chat page (`CHAT_PAGE` at the top, served at `/chat/` through nginx) in
# Chromium, and Bob, a Python client of the other process:

# %%
from channels_lab.browser import chromium

browsing = contextlib.AsyncExitStack()  # Chromium and Bob, closed at the end of this section
browser = await browsing.enter_async_context(chromium())
page = await browser.new_page()
await page.goto(front.url + "/chat/")
await page.get_by_text("process").wait_for()


async def page_log():
    return await page.locator("#log li").all_inner_texts()


async def until_logged(prefix, count=1):
    """Wait (at most 10 s) until ``count`` lines of the page's log start with ``prefix``."""
    async def seen():
        while sum(line.startswith(prefix) for line in await page_log()) < count:
            await asyncio.sleep(0.05)
    await asyncio.wait_for(seen(), 10)


page_process = (await page_log())[0].split()[-1]
while True:  # nginx takes turns; a second try lands on the other process
    bob = await browsing.enter_async_context(connect(front.ws_url("/ws/served/lobby/")))
    bob_process = (await bob.recv()).split()[-1]
    if bob_process != page_process:
        break
    await bob.close()
print("the page is served by process", page_process, "and Bob by process", bob_process)
await bob.send("1: before the restart")
await bob.recv()  # Bob hears himself too
await until_logged("1:")
print("\n".join(await page_log()))

# %% [markdown]
# The page and Bob are in one room on two processes. Now the page's process stops (`SIGTERM`,
# as a deployment stops it); as soon as the page reports the close, Bob speaks, and once the
# page is back, Bob speaks again:

# %%
by_label = dict(zip("AB", small))
gone = by_label[page_process]
gone.process.terminate()  # SIGTERM; the cell goes on at once (gone.stop() would wait for the exit)
await until_logged("closed")
await bob.send("2: while the page is away")
await bob.recv()  # Bob heard it: the group_send is done
away_when_sent = sum(line.startswith("process") for line in await page_log()) == 1
await until_logged("process", 2)
await bob.send("3: after the page rejoined")
await until_logged("3:")
print("\n".join(await page_log()))
print("nginx:", re.search(r"connect\(\) failed \(111: Connection refused\) while connecting to upstream", front.output).group())
print("message 2 went out while the page was away:", away_when_sent)

# %% [markdown]
# daphne dropped its connections without a close frame, so the page saw **1006**, a code in its
# `RETRY` set; it waited, dialled the same URL, and nginx, finding the stopped process refusing
# connections, passed the new handshake to the other one (nginx retries the next `server` on a
# connection error, `proxy_next_upstream`'s default). The page rejoined the room there. Message
# 2 is lost: a group delivers to the channels in it *at that moment*; the page's old channel
# died with its process and its new channel joined after the message went out. Nothing in
# Channels keeps a room's history. A page that must not miss messages asks the server for what
# it missed when it rejoins (for example, messages after the last id it saw, from the database).
#
# And the old channel is still in the group: daphne stopped without running the consumer's
# `disconnect()`, so nothing called `group_discard`. The room's sorted set in Redis:

# %%
from redis.asyncio import Redis

async with Redis.from_url(redis.url) as raw:
    print("channels in room lobby:", await raw.zcard("asgi:group:room.lobby"), "for 2 connected clients")

# %% [markdown]
# One member too many. Every message to the room is still written for the dead channel, and
# waits in Redis until the layer's `expiry` (60 s); the name itself stays in the group for
# `group_expiry` (a day by default). The stopped daphne comes back on its port:

# %%
gone.stop()  # wait until it has exited and freed its port
small[small.index(gone)] = redis_daphne(100, page_process, port=gone.port)
await bob.close()
await browsing.aclose()
print("process", page_process, "restarted; Chromium and Bob closed:", bob.close_code == 1000)

# %% [markdown]
# How long nginx keeps sending new connections to the other server after a failed attempt is
# set by `max_fails` and `fail_timeout` on the `server` line (nginx's upstream module
# documentation); this page does not wait for it.


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
#
# `make bench` also measures the same echo and room through nginx in front of one daphne and of
# two, each beside a direct row measured in the same rounds (its section "Through nginx"; too
# slow to run here). On the 2-core machine of its reference run, nginx's hop cost about as much
# as the machine's noise, and a second daphne gained nothing: the benchmark's client, nginx, the
# daphnes and redis-server share the two cores, so the second process has no idle core to use.
# With a core per daphne, several processes behind one `upstream` are how the work spreads
# ("One process, one core" above shows a second process answering while the first computes).

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
# ## Redis across two servers
#
# One redis-server carries every message of every process. `hosts` takes several, and
# channels-redis spreads its keys over them by a hash of the name (`_consistent_hash`,
# `channels_redis/utils.py`, lines 7–20: CRC-32 of the name, cut into equal ranges, one per
# host). Two redis-servers and a layer on both, in the kernel:

# %%
shards = contextlib.ExitStack()  # the two redis-servers of this section
first, second = shards.enter_context(run_redis()), shards.enter_context(run_redis())
sharded = RedisChannelLayer(hosts=[first.url, second.url])
for group in ("room.lobby", "room.kitchen", "room.garden"):
    print(f"group {group!r} lives on server", sharded.consistent_hash(group))

# %% [markdown]
# A group's sorted set lives on the server its name hashes to (`group_add` and `group_send`,
# `channels_redis/core.py`, lines 491 and 516), the same from every process. A process's
# channels are `specific.<prefix>!<id>`, with one random prefix per layer:

# %%
channels = [await sharded.new_channel() for _ in range(4)]
home = sharded.consistent_hash(sharded.non_local_name(channels[0]))  # "specific.<prefix>!"
print("one process's channels are read from one server:",
      {sharded.consistent_hash(sharded.non_local_name(c)) for c in channels} == {home})

# %% [markdown]
# The process reads all its channels' messages from the server that the part before `!` hashes
# to (`receive_single`, lines 384–386), and `group_send` writes them there (line 619). So each
# process, by its random prefix, has one home server. But `send()` to one channel hashes the
# *whole* name (line 186), which lands elsewhere for about half the channels. A direct send to
# such a channel:

# %%
astray = channels[0]
while sharded.consistent_hash(astray) == home:
    astray = await sharded.new_channel()
await sharded.send(astray, {"type": "chat.message", "text": "for you"})
try:
    await asyncio.wait_for(sharded.receive(astray), 1.0)
    print("the direct message arrived")
except TimeoutError:
    print("the direct message did not arrive within 1 s")
waiting = await sharded.connection(1 - home).zcard(sharded.prefix + sharded.non_local_name(astray))
print("messages waiting for it on the other server:", waiting)

# %% [markdown]
# The message went to the other server, where nobody reads, and will expire there after 60 s.
# No error, no log line: with two `hosts`, `channel_layer.send(channel_name, ...)` to a
# consumer (a worker replying to one client, say) loses about half its messages. This is
# channels issue 1492, open since 2020. A layer that picks the server for `send()` the way
# `receive()` does:

# %%
class SendsHomeRedisChannelLayer(RedisChannelLayer):
    """RedisChannelLayer whose send() uses the server a process-local channel is read from."""

    def consistent_hash(self, value):
        if "!" in value:
            value = self.non_local_name(value)  # "specific.<prefix>!<id>" -> "specific.<prefix>!"
        return super().consistent_hash(value)

# %% [markdown]
# Groups (no `!`) hash as before; channel names hash by their process part, for sending and
# receiving alike. The same experiment with it:

# %%
fixed = SendsHomeRedisChannelLayer(hosts=[first.url, second.url])
fixed_home = fixed.consistent_hash(await fixed.new_channel())
astray = await fixed.new_channel()
while RedisChannelLayer.consistent_hash(fixed, astray) == fixed_home:  # where the original would send it
    astray = await fixed.new_channel()
await fixed.send(astray, {"type": "chat.message", "text": "for you"})
print("the direct message arrived:", (await asyncio.wait_for(fixed.receive(astray), 5))["text"])
await fixed.flush()

# %% [markdown]
# It arrived. Set the subclass as `BACKEND` in `CHANNEL_LAYERS` (ex24's settings, say) when
# `hosts` has more than one server.
#
# ### One server stops
#
# Our process (home: one server) is in two rooms, one whose group lives on each server. Then
# the other server, not its home, stops:

# %%
import redis.exceptions

member = channels[0]
rooms = {sharded.consistent_hash(group): group for group in ("room.lobby", "room.kitchen")}  # one on each server
for group in rooms.values():
    await sharded.group_add(group, member)
await sharded.close_pools()  # new connections from here on, as in a fresh process
away = 1 - home
(first, second)[away].stop()
for where, index in (("the stopped server", away), ("the running server", home)):
    try:
        await sharded.group_send(rooms[index], {"type": "chat.message", "text": "hi"})
        text = (await asyncio.wait_for(sharded.receive(member), 5))["text"]
        print(f"room on {where}: delivered {text!r}")
    except redis.exceptions.ConnectionError as error:
        print(f"room on {where}: {type(error).__name__}: {error}")

# %% [markdown]
# The room whose group lives on the stopped server failed at once with redis-py's
# `ConnectionError`, raised in whatever called `group_send` (in a chat, the consumer handling a
# message for that room). The other room, whose group lives on the server still running, kept
# working. The stopped server comes back on its port:

# %%
shards.enter_context(run_redis(port=(first, second)[away].port))
await sharded.group_send(rooms[away], {"type": "chat.message", "text": "hello again"})
try:
    await asyncio.wait_for(sharded.receive(member), 1.0)
    print("delivered")
except TimeoutError:
    print("group_send worked, but nothing arrived within 1 s")
print("members of that room now:", await sharded.connection(away).zcard(sharded._group_key(rooms[away])))

# %% [markdown]
# The connection recovered by itself (redis-py connects again at the next command), but the
# data did not: this redis-server keeps nothing on disk (`run_redis` starts it with `--save ""
# --appendonly no`), so it came back empty, and the room's members are gone. The member still
# listening got no error: `group_send` succeeded and reached nobody, and it hears the room again
# only when its consumer runs `group_add` again (a client that reconnects). After losing a Redis server, restart the daphnes (their clients
# reconnect, like the page above) or give Redis persistence.

# %%
await sharded.flush()
await sharded.close_pools()
await fixed.close_pools()
shards.close()
print("both redis-servers stopped:", all(s.process.poll() is not None for s in (first, second)))

# %% [markdown]
# Nothing of this section is left running.

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

# %% [markdown]
# **ex26 · The nginx locations that publish the chat under /chat/.** The chat joins a site
# that nginx already serves, under the path `/chat/`: the browser asks for `/chat/` (the page)
# and for `/chat/ws/echo/` and `/chat/ws/whoami/` (the WebSockets), while daphne's router still
# knows `/`, `/ws/echo/` and `/ws/whoami/`. In `exercises/ex26_nginx_location.py` write
# `LOCATION`, the `location` block(s) for `/chat/` (and, if you want one, `HTTP_LINES` for the
# `http` block, such as a `map`): the page and the sockets reach daphne without the prefix, the
# handshake succeeds, an idle chat stays open between daphne's pings, daphne sees the browser's
# own address and port whatever headers the browser sent, and the origin check sees the
# browser's `Host` and `Origin`. The tests run your configuration in a real nginx in front of a
# real daphne, and in front of a server stricter than daphne.

# %%
check("ex26")
