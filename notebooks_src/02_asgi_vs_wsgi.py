# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Why does Django need ASGI for WebSockets?
#
# For most of its life Django spoke **WSGI**: the server calls your application once per HTTP
# request, and the application returns one response. A WebSocket is not one request and one
# response; it is a connection that stays open for minutes or hours with messages going both
# ways at any moment. **ASGI** (Asynchronous Server Gateway Interface) is the interface that can
# describe that, and it is what daphne, Channels and Django's `asgi.py` speak.
#
# The origin article says it in one sentence. Here we see the difference run.

# %%
from channels.testing import HttpCommunicator, WebsocketCommunicator

from channels_lab import check, run_daphne, setup_django

setup_django()


def wsgi_hello(environ, start_response):
    """WSGI: called once per request, returns the whole response."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello from WSGI"]


async def asgi_hello(scope, receive, send):
    """ASGI: a coroutine that receives events and sends events, as many as the protocol needs."""
    await receive()  # {"type": "http.request", ...}
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello from ASGI"})


from wsgiref.util import setup_testing_defaults

environ = {}
setup_testing_defaults(environ)
print("WSGI:", wsgi_hello(environ, lambda status, headers: None))

response = await HttpCommunicator(asgi_hello, "GET", "/").get_response()
print("ASGI:", response["status"], response["body"])

# %% [markdown]
# Both answer one HTTP request. The WSGI callable *returns* its answer and is gone. The ASGI one
# is a coroutine holding `receive` and `send`: nothing forces it to stop after one response.

# %% [markdown]
# ## A WebSocket needs `101`, and WSGI cannot send it
#
# To accept a WebSocket the server answers `101 Switching Protocols` with `Upgrade` and
# `Connection` headers, then keeps the socket. PEP 3333 forbids a WSGI application to send these
# "hop-by-hop" headers, and gives it no way to read or write the socket afterwards. Here is a
# WSGI app that tries anyway, and one request served to it by the standard library's WSGI
# handler (`wsgiref`), its response captured in memory. It is a `%%lesson wsgi_upgrade` cell, a
# module of its own, so that a second Python can run the very same code below.

# %%
# %%lesson wsgi_upgrade
import io
from wsgiref.handlers import SimpleHandler
from wsgiref.util import setup_testing_defaults


def wsgi_tries_to_upgrade(environ, start_response):
    start_response("101 Switching Protocols", [("Upgrade", "websocket"), ("Connection", "Upgrade")])
    return [b""]


def serve_one_request(app):
    """Serve one GET with wsgiref; return the status line the client got and the last error line."""
    environ, response, errors = {}, io.BytesIO(), io.StringIO()
    setup_testing_defaults(environ)
    SimpleHandler(io.BytesIO(), response, errors, environ).run(app)
    error_lines = errors.getvalue().strip().splitlines() or ["(no error)"]
    return response.getvalue().split(b"\r\n")[0].decode(), error_lines[-1]

# %% [markdown]
# `serve_one_request()` returns what the client would read first, the status line, and what the
# server logged. Now run it:

# %%
status_line, error = serve_one_request(wsgi_tries_to_upgrade)
print("client got:", status_line)
print("server logged:", error)

# %% [markdown]
# The client got `500 Internal Server Error`, not `101`: `wsgiref` refused the `Upgrade` header.
# But look at what refused it: an `AssertionError`. In `wsgiref/handlers.py` the check is an
# `assert` inside `if __debug__:` in `start_response()`, and Python's `-O` option removes both.
# The same code in a Python started with `-O`:

# %%
import subprocess
import sys

from channels_lab.servers import django_env

code = "from wsgi_upgrade import *; print(*serve_one_request(wsgi_tries_to_upgrade), sep=' | ')"
for flags in ([], ["-O"]):
    run = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, env=django_env())
    print(f"python {' '.join(flags):<3} -> {run.stdout.strip()}")

# %% [markdown]
# Under `-O` the `101 Switching Protocols` went out. So the rule is PEP 3333's, and `wsgiref`
# only checks it in debug mode; what really rules WSGI out is the second point: the application
# has already returned, so nobody is left to read the client's frames.

# %% [markdown]
# ## One worker per open connection
#
# Suppose a WSGI server made an exception and let each request keep its socket. A WebSocket
# would then be a request that lasts as long as the connection, and a WSGI server handles each
# request in a worker (a thread or a process) for the whole of that time. With 4 workers, 12
# connections that each last 0.3 s are served four at a time:

# %%
# %%lesson wsgi_pool
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIServer


class PoolWSGIServer(ThreadingMixIn, WSGIServer):
    """Hands each request to one of a fixed number of worker threads; the rest wait their turn."""

    def __init__(self, address, handler, workers):
        super().__init__(address, handler)
        self.pool = ThreadPoolExecutor(max_workers=workers)

    def process_request(self, request, client_address):
        self.pool.submit(self.process_request_thread, request, client_address)

# %% [markdown]
# `PoolWSGIServer` is the standard library's WSGI server with one change: each request goes to a
# pool of `workers` threads, as with gunicorn's threaded workers or mod_wsgi. A request keeps its
# thread until the application returns; a request that finds every thread busy waits. (These
# WSGI cells are the module `wsgi_pool`, so that the course's tests check the same code.)

# %%
# %%lesson wsgi_pool
class HoldingApp:
    """A WSGI app whose every request holds its worker for ``seconds``, like a long-lived connection."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.lock = threading.Lock()
        self.now = self.peak = self.served = 0

    def __call__(self, environ, start_response):
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(self.seconds)  # the worker can do nothing else meanwhile
        with self.lock:
            self.now -= 1
            self.served += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"held and done"]

# %% [markdown]
# `HoldingApp` stands for a WebSocket served by WSGI: each call keeps its worker busy for
# `seconds`, and it counts how many calls were running at once (`peak`).

# %%
# %%lesson wsgi_pool
import contextlib
import http.client
from wsgiref.simple_server import WSGIRequestHandler


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        """No access log on stderr."""


@contextlib.contextmanager
def serve_wsgi(app, workers):
    """Serve ``app`` on a free 127.0.0.1 port with ``workers`` threads until the ``with`` ends."""
    server = PoolWSGIServer(("127.0.0.1", 0), QuietHandler, workers)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.pool.shutdown(wait=True)
        server.server_close()
        thread.join()


def get(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/")
    body = connection.getresponse().read()
    connection.close()
    return body

# %% [markdown]
# Plumbing: `serve_wsgi()` runs the pool server in a thread for a `with` block and always stops
# it; `get()` makes one HTTP request. Now the load: 4 workers, 12 clients at once.

# %%
app = HoldingApp(seconds=0.3)
with serve_wsgi(app, workers=4) as wsgi_server, ThreadPoolExecutor(12) as clients:
    started = time.perf_counter()
    bodies = list(clients.map(get, [wsgi_server.server_port] * 12))
    elapsed = time.perf_counter() - started

print(f"12 connections of 0.3 s each took {elapsed:.2f} s")
print("served:", app.served, "| most open at once:", app.peak)
print("never more than 4 at once:", app.peak <= 4, "| the others had to wait:", elapsed >= 0.9)

# %% [markdown]
# At most 4 connections were ever being served; the other 8 waited in the queue, so the whole
# took three rounds. A chat with 10 000 idle users would need 10 000 workers.

# %% [markdown]
# ## The same load on ASGI
#
# An ASGI server runs every connection as a coroutine on one event loop: an idle connection costs
# a little memory, not a worker. Here is a bare ASGI application (no Django, no Channels) that
# keeps every connection open and answers "how many are open now?". It is a `%%lesson` cell, so
# daphne can serve it as `lesson:counter`. First the module's imports, in a cell of their own
# (a `%%lesson` cell is known by the names it defines, imports included, so two cells that
# import the same name would count as one):

# %%
# %%lesson
import json
import threading

# %% [markdown]
# `json` for the messages, `threading` to see which thread runs each connection.

# %%
# %%lesson
OPEN = {"connections": 0, "threads": set()}


async def counter(scope, receive, send):
    """Keep every connection open; a text frame is answered with how many are open, on how many threads."""
    if scope["type"] != "websocket":
        raise ValueError(f"counter serves WebSockets only, not {scope['type']!r}")
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            OPEN["connections"] += 1
            OPEN["threads"].add(threading.get_ident())  # the thread running this connection
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            answer = {"open": OPEN["connections"], "threads": len(OPEN["threads"])}
            await send({"type": "websocket.send", "text": json.dumps(answer)})
        elif event["type"] == "websocket.disconnect":
            OPEN["connections"] -= 1
            return

# %% [markdown]
# One coroutine per connection: it accepts, answers each frame with the count of open
# connections and of the distinct threads that ran them, and returns when the client
# disconnects. Any other kind of connection is refused by raising (more on that below).

# %%
import asyncio

from websockets.asyncio.client import connect

with run_daphne("lesson:counter") as daphne_server:
    started = time.perf_counter()
    connections = await asyncio.gather(*(connect(daphne_server.ws_url("/")) for _ in range(200)))
    await connections[0].send("how many?")
    answer = json.loads(await connections[0].recv())
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(ws.close() for ws in connections))

print(f"opened 200 WebSockets in {elapsed:.2f} s")
print("open at once, served by one daphne process:", answer["open"], "| on threads:", answer["threads"])
print("async served all 200 at once:", answer["open"] == 200)

# %% [markdown]
# One daphne process held all 200 connections open at the same time, and every one of them ran
# on the same single thread: the event loop's. That is why WebSockets need ASGI: the
# connection is a long conversation, not a request.

# %% [markdown]
# ## The ASGI events of a WebSocket, as they arrive
#
# An ASGI application is `async def app(scope, receive, send)`. The server calls it once per
# connection with a **scope** (what the connection is: type, path, headers), then the application
# `receive()`s events from the client and `send()`s events back. For a WebSocket:
#
# | event | direction | meaning |
# |---|---|---|
# | `websocket.connect` | server → app | a client asked to upgrade |
# | `websocket.accept` | app → server | answer `101` (or send `websocket.close` to refuse with 403) |
# | `websocket.receive` | server → app | a frame arrived: `text` or `bytes` |
# | `websocket.send` | app → server | send a frame |
# | `websocket.close` | app → server | close with a `code` |
# | `websocket.disconnect` | server → app | the connection is gone, with its `code` |
#
# The app below prints each one as it happens (one line per event, starting `ASGI`), so we can
# read them from daphne's output.

# %%
# %%lesson
def log(direction, message):
    """Print one ASGI message on one line, keys sorted."""
    print(f"ASGI {direction} {json.dumps(message, sort_keys=True, default=repr)}", flush=True)


async def echo(scope, receive, send):
    """Accept, send every text frame back, close when the client says "bye"."""
    if scope["type"] != "websocket":
        raise ValueError(f"echo serves WebSockets only, not {scope['type']!r}")
    log("scope", {key: scope[key] for key in ("type", "path", "query_string", "subprotocols")})
    while True:
        event = await receive()
        log("receive <-", event)
        if event["type"] == "websocket.connect":
            reply = {"type": "websocket.accept"}
        elif event["type"] == "websocket.receive" and event.get("text") == "bye":
            reply = {"type": "websocket.close", "code": 1000}
        elif event["type"] == "websocket.receive":
            reply = {"type": "websocket.send", "text": event.get("text")}
        else:  # websocket.disconnect
            return
        log("send   ->", reply)
        await send(reply)

# %% [markdown]
# `echo` answers each event it receives with at most one event of its own, printing both.

# %%
def asgi_lines(server, wait_for="websocket.disconnect"):
    """The ASGI events the echo app printed, once the last one has arrived."""
    deadline = time.monotonic() + 5
    while wait_for not in server.output and time.monotonic() < deadline:
        time.sleep(0.05)
    return [line[5:] for line in server.output.splitlines() if line.startswith("ASGI ")]


with run_daphne("lesson:echo") as echo_server:
    async with connect(echo_server.ws_url("/chat/?room=lobby")) as websocket:
        await websocket.send("hello, raw ASGI")
        print("client got:", await websocket.recv())
        await websocket.send("bye")
        await websocket.wait_closed()
    print("client saw close code:", websocket.close_code)
    print(*asgi_lines(echo_server), sep="\n")

# %% [markdown]
# The scope came first, then `websocket.connect`; our app answered `websocket.accept`, echoed the
# text with `websocket.send`, and on "bye" sent `websocket.close`. The server then reported
# `websocket.disconnect` with the code, and the app returned. This is all Channels does too,
# with a friendlier API on top.

# %% [markdown]
# ## Scope types: one app, any ASGI server
#
# `scope["type"]` says what the server is calling the app for. The ASGI specification defines
# three: `"http"` (one request), `"websocket"` (one connection) and `"lifespan"`: not a
# connection at all, but the server process itself, which sends `lifespan.startup` once before
# it serves anything and `lifespan.shutdown` at the end, and waits for the app's
# `lifespan.startup.complete`. daphne never sends a `lifespan` scope; other servers, uvicorn
# for one, send it first. The specification's rule for an app that gets a type it does not support: **raise an
# exception**. Servers take an exception on `lifespan` to mean "no lifespan here" and go on.
# That is why the WebSocket apps above start with `if scope["type"] != "websocket": raise ...`.
# Here is the same echo without that line:

# %%
# %%lesson
async def echo_any_scope(scope, receive, send):
    """The echo without the scope check: it treats every scope as a WebSocket."""
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": event.get("text")})
        elif event["type"] == "websocket.disconnect":
            return

# %% [markdown]
# On daphne it seems to work as long as only WebSockets connect: daphne sends no lifespan scope,
# though a plain HTTP request would reach it as an `http` scope and wait forever
# (`daphne/http_protocol.py`). Now serve it with uvicorn, a
# second ASGI server (`run_uvicorn()` starts it like `run_daphne()`; here we wait only for
# uvicorn's first log lines, and give it one second more):

# %%
from channels_lab.uvicorn_server import run_uvicorn

with run_uvicorn("lesson:echo_any_scope", ready="Waiting for application startup") as stuck:
    await asyncio.sleep(1)
    log = [line for line in stuck.output.splitlines() if "server process [" not in line]
print(*log, sep="\n")
print("uvicorn ever listened:", "Uvicorn running on" in stuck.output)

# %% [markdown]
# uvicorn called the app with a `lifespan` scope and waited for `lifespan.startup.complete`. The
# app took `lifespan.startup` for an event it does not know, and went back to `receive()` for
# the next one, forever, and uvicorn never opened its port. The `echo` app from above raises
# instead:

# %%
with run_uvicorn("lesson:echo") as uvicorn_server:
    async with connect(uvicorn_server.ws_url("/chat/")) as websocket:
        await websocket.send("hello, uvicorn")
        print("client got:", await websocket.recv())
    lifespan = [line.split(":", 1)[1].strip() for line in uvicorn_server.output.splitlines() if "lifespan" in line]
print("uvicorn said:", *lifespan)
print("the same bare app served by daphne and by uvicorn:", websocket.close_code == 1000)

# %% [markdown]
# The `ValueError` on the `lifespan` scope told uvicorn "no lifespan here"; it went on to listen,
# and served the very app daphne served above. Channels' `ProtocolTypeRouter` follows the same
# rule (its source is printed further down). Exercise ex03's app must check the scope type too.

# %% [markdown]
# ## Pitfall: forgetting to accept
#
# An app that never sends `websocket.accept` leaves the client hanging in `CONNECTING`: daphne
# holds the `101` back until the app decides, for at most `--websocket_connect_timeout` seconds.
# Where does that limit come from, and what does it do?

# %%
import inspect

import txaio._common
from daphne.cli import CommandLineInterface
from daphne.server import Server

print("default on the daphne command line:", CommandLineInterface().parser.get_default("websocket_connect_timeout"))
print("default of the Server() class:     ", inspect.signature(Server).parameters["websocket_connect_timeout"].default)
print(*[line.strip() for line in inspect.getsource(CommandLineInterface.run).splitlines() if "connect_timeout" in line], sep="\n")
print(*[line.strip() for line in inspect.getsource(txaio._common._BatchedTimer.call_later).splitlines() if "int(" in line][:1])

# %% [markdown]
# The `daphne` command (what `run_daphne` starts) defaults to 5 seconds; 20 is only the default
# of the `Server` class when you build one in Python. The command passes the same value twice:
# to daphne's own check, and as autobahn's *opening-handshake timeout*, which drops the TCP
# connection. autobahn schedules that drop on a txaio batched timer, whose `int(now + delay)`
# rounds the deadline down to a whole second: with a limit of N seconds the drop comes after
# between N − 1 and N seconds (daphne's own check, run every 2 seconds, comes later still).
# An app that does not want a connection should say so: `websocket.close` before accepting
# refuses it at once. Two apps side by side: one never answers `websocket.connect`, one
# refuses it.

# %%
# %%lesson
async def forgets_to_accept(scope, receive, send):
    """A broken app: it reads events but never answers websocket.connect."""
    while (await receive())["type"] != "websocket.disconnect":
        pass


async def refuses(scope, receive, send):
    """Refuses every WebSocket: websocket.close before websocket.accept."""
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.close"})
        elif event["type"] == "websocket.disconnect":
            return

# %% [markdown]
# The only difference: `refuses` sends `websocket.close` where `forgets_to_accept` sends nothing.
# `gate` below serves `/refuse/` with `refuses` and every other path with `forgets_to_accept`.

# %%
# %%lesson
async def gate(scope, receive, send):
    """``/refuse/`` refuses the connection; any other path never answers it."""
    if scope["type"] != "websocket":
        raise ValueError(f"gate serves WebSockets only, not {scope['type']!r}")
    app = refuses if scope["path"] == "/refuse/" else forgets_to_accept
    await app(scope, receive, send)

# %% [markdown]
# A router in three lines: it picks an app by path and hands it the same `scope`, `receive` and
# `send`. Now both paths, through daphne:

# %%
from websockets.exceptions import InvalidHandshake, InvalidStatus

with run_daphne("lesson:gate", args=("--websocket_connect_timeout", "2")) as gate_server:
    for path in ("/refuse/", "/silent/"):
        started = time.perf_counter()
        try:
            async with connect(gate_server.ws_url(path), open_timeout=10):
                outcome = "opened"
        except InvalidStatus as error:
            outcome = f"refused with HTTP {error.response.status_code}"
        except InvalidHandshake:
            outcome = "no 101: the connection was dropped"
        waited = time.perf_counter() - started
        print(f"{path:<9} -> {outcome} (after {waited:.1f} s)")
print("the silent one waited between 1 and 2 seconds, as the limit of 2 says:", 0.9 <= waited <= 2.3)

# %% [markdown]
# The refusing app got a clean HTTP 403 straight away. The silent one kept its client waiting
# more than a second, then autobahn dropped the connection without a `101`: in a browser,
# `onerror` and `onclose` fire without `onopen`, and the user has waited for nothing. With the
# command line's default of 5, that wait is 4 to 5 seconds.

# %% [markdown]
# ## Where Django fits: `get_asgi_application()` and `ASGI_APPLICATION`
#
# `django.core.asgi.get_asgi_application()` returns Django's ASGI handler. It speaks ASGI, but
# only HTTP: views, middleware, the admin. Give it a WebSocket and it refuses.

# %%
from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()
print("Django's handler:", type(django_asgi_app).__name__)

client = WebsocketCommunicator(django_asgi_app, "/ws/echo/")
try:
    await client.connect()
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# Django's own handler cannot serve WebSockets. That is Channels' job: a `ProtocolTypeRouter`
# sends `http` scopes to Django and `websocket` scopes to consumers. The demo's `asgi.py` builds
# exactly that:

# %%
import demo_project.asgi

print(inspect.getsource(demo_project.asgi).split('"""\n', 1)[1].strip())

# %% [markdown]
# `get_asgi_application()` first, then the imports of the routes, then one `ProtocolTypeRouter`:
# `http` to Django's handler, `websocket` to the chat routes (behind an origin check and the
# session and auth middleware of notebook 09), `channel` to a background worker (notebook 03).
# `ASGI_APPLICATION` in the settings names this object:

# %%
from channels.routing import get_default_application
from django.conf import settings

print("ASGI_APPLICATION =", settings.ASGI_APPLICATION)
print("same object daphne serves:", get_default_application() is demo_project.asgi.application)
print("routes http and websocket:", {"http", "websocket"} <= set(demo_project.asgi.application.application_mapping))

http_client = HttpCommunicator(demo_project.asgi.application, "GET", "/", headers=[(b"host", b"127.0.0.1")])
response = await http_client.get_response()
await http_client.wait()  # let Django's handler finish its own tasks
print("HTTP GET / ->", response["status"], "(Django's view)")

client = WebsocketCommunicator(demo_project.asgi.application, "/ws/echo/", headers=[(b"origin", b"http://127.0.0.1")])
print("WebSocket /ws/echo/ accepted:", (await client.connect())[0], "(a Channels consumer)")
await client.disconnect()

# %% [markdown]
# One application, two protocols: Django answered the HTTP request, a consumer accepted the
# WebSocket. `daphne demo_project.asgi:application` serves it, and so does `manage.py runserver`,
# because `daphne` in `INSTALLED_APPS` replaces Django's `runserver` with its own:

# %%
from django.core.management import get_commands

apps = settings.INSTALLED_APPS
print("daphne comes before django.contrib.staticfiles:", apps.index("daphne") < apps.index("django.contrib.staticfiles"))
print("runserver comes from:", get_commands()["runserver"])
print("get_commands() loops:", [line.strip() for line in inspect.getsource(get_commands).splitlines() if "reversed(" in line][0])

# %% [markdown]
# `django.contrib.staticfiles` brings a `runserver` of its own, and when two apps provide a
# command, `get_commands()` keeps the one from the app listed *earlier* (it walks the apps in
# reverse, so earlier apps overwrite later ones). So `daphne` need not be
# first, only ahead of `staticfiles`; putting it first is the simple way to be sure.

# %% [markdown]
# **Out of date in the origin article:** it points `ASGI_APPLICATION` at a `routing.py` whose
# router has only a `websocket` key. Channels 2 added Django's HTTP handling to such a router
# for you; Channels 3 deprecated that, and Channels 4 removed it. Today's `ProtocolTypeRouter`
# only looks a type up in its mapping:

# %%
from channels.routing import ProtocolTypeRouter

print(inspect.getsource(ProtocolTypeRouter.__call__))

# %% [markdown]
# No `http` key, no HTTP: any other type, `lifespan` included, raises `ValueError` (notebook 03
# shows it). So you route `http` to `get_asgi_application()` yourself, in `asgi.py`. The order
# inside `asgi.py` matters too:
# `get_asgi_application()` sets Django up, and until then nothing may import models. Two fresh
# interpreters show it:

# %%
import subprocess
import sys

imports_a_model = "from django.contrib.auth.models import User"
for code in (imports_a_model, "from django.core.asgi import get_asgi_application\nget_asgi_application()\n" + imports_a_model):
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    last_line = run.stderr.strip().splitlines()[-1] if run.returncode else "imported fine"
    print(f"{code.splitlines()[0]:<52} -> {last_line}")

# %% [markdown]
# Importing a model first fails with `AppRegistryNotReady`; after `get_asgi_application()` it
# works. That is why the demo's `asgi.py` imports its consumers and routes *after* that call.

# %% [markdown]
# ## Exercises
#
# **ex03** — in `exercises/ex03_raw_asgi.py`, write `shout(scope, receive, send)`: a bare ASGI
# WebSocket app (no Channels) that accepts, answers every text frame in upper case, closes with
# code 4003 when it gets a binary frame, returns when the client disconnects, and raises for any
# scope type other than `websocket`, so that daphne and uvicorn alike can serve it.

# %%
check("ex03")

# %% [markdown]
# **ex04** — in `exercises/ex04_push.py`, write `ticker(scope, receive, send)`: for a WebSocket,
# accept and *push* `tick 1` … `tick N` without waiting for the client (N from the query string
# `?count=N`, default 3), then close with 1000; for plain HTTP, answer `426 Upgrade Required`;
# for any other scope type, raise.

# %%
check("ex04")
