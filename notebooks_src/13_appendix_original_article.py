# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 13 · Appendix: what has changed since the original article?
#
# Channels Lab grew out of a short Chinese blog post on WebSockets in Django. It was written for
# Django 2 and Channels 2, and several of its snippets no longer run, or run and quietly do
# something else. This appendix goes through the post in order. For each point it says in a
# sentence what the post describes, then a cell shows what Django 5.2, Channels 4 and a
# current browser do. A glossary of the post's Chinese terms closes the notebook.
#
# What still holds needs no cell: WebSocket was standardised as RFC 6455 in 2011, it runs over
# TCP and opens with an HTTP handshake (notebook 01), Channels maps routes to consumers the way
# Django maps URLs to views, and a consumer's `type` → method-name convention is unchanged.

# %%
import asyncio
import contextlib
import inspect

from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab import run_daphne, setup_django

setup_django()

served = contextlib.ExitStack()  # one daphne for sections 7 to 12, closed after section 12

# %% [markdown]
# The appendix serves two small consumers of its own, defined here in `%%lesson` cells: such a
# cell runs in this notebook *and* becomes part of a module named `lesson` that daphne serves.
# The first is the post's first consumer, an echo, written the current way:

# %%
# %%lesson
from channels.generic.websocket import WebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application
from django.urls import path


class EchoConsumer(WebsocketConsumer):
    """Sends every text or binary frame back."""

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=text_data, bytes_data=bytes_data)

# %% [markdown]
# The second uses the two arguments Channels added after the post was written: handshake
# headers in `accept()` and a reason in `close()` (section 7 tries them):

# %%
# %%lesson
class PoliteConsumer(WebsocketConsumer):
    """Accepts with an extra response header; closes with code 4000 and a reason on any message."""

    def connect(self):
        self.accept(headers=[(b"x-chat-version", b"2")])

    def receive(self, text_data=None, bytes_data=None):
        self.close(code=4000, reason="goodbye")

# %% [markdown]
# And the routes, with Django behind `"http"`:

# %%
# %%lesson
application = ProtocolTypeRouter({
    "http": get_asgi_application(),
    "websocket": URLRouter([
        path("echo/", EchoConsumer.as_asgi()),
        path("polite/", PoliteConsumer.as_asgi()),
    ]),
})

# %% [markdown]
# Nothing is served yet: the module `lesson` exists, and the names it defines
# (`EchoConsumer`, `PoliteConsumer`, `application`) are usable in the cells below.

# %% [markdown]
# ## 1. "ASGI is what makes WebSocket possible in Django"
#
# The post credits ASGI for WebSocket support. Since Django 3.0, Django itself speaks ASGI, so
# that part is now built in; but Django's own ASGI handler serves HTTP only. WebSocket still
# needs Channels (or another ASGI framework).

# %%
django_only = get_asgi_application()
try:
    await django_only({"type": "websocket", "path": "/chat/"}, None, None)
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# Django's handler refused the WebSocket scope outright. `channels.routing.ProtocolTypeRouter`
# is still what sends `"websocket"` to consumers and `"http"` to Django.

# %% [markdown]
# ## 2. Settings: add `"channels"` and point `ASGI_APPLICATION` at a routing module
#
# The post lists only `"channels"` in `INSTALLED_APPS` and names a `routing.application`.
# Channels 4 no longer includes a server: `manage.py runserver` speaks ASGI only when
# `"daphne"` is installed, and the application conventionally lives in `asgi.py`, next to
# Django's `get_asgi_application()`. The demo project's settings:

# %%
from django.conf import settings
from django.core.management import get_commands

print("INSTALLED_APPS:", settings.INSTALLED_APPS)
print("runserver comes from:", get_commands()["runserver"])
print("ASGI_APPLICATION:", settings.ASGI_APPLICATION)

# %% [markdown]
# Three places define a `runserver` command: Django's core (`django.core`), `staticfiles` and
# `daphne`. `get_commands()` collects them walking `INSTALLED_APPS` backwards and lets each
# app overwrite the names found so far (`django/core/management/__init__.py`, lines 76–78), so
# the command of the app listed *earliest* wins. daphne therefore need not be first, only
# before `django.contrib.staticfiles`, and daphne's system check `daphne.E001` says exactly
# that. Moving daphne around (in this kernel only, with Django's `override_settings`):

# %%
from daphne.checks import check_daphne_installed
from django.test.utils import override_settings

others = [app for app in settings.INSTALLED_APPS if app != "daphne"]
at = others.index("django.contrib.staticfiles")
orders = {"first": ["daphne", *others],
          "just before staticfiles": [*others[:at], "daphne", *others[at:]],
          "just after staticfiles": [*others[:at + 1], "daphne", *others[at + 1:]],
          "not installed": others}
for where, apps in orders.items():
    with override_settings(INSTALLED_APPS=apps):
        get_commands.cache_clear()
        problems = [problem.id for problem in check_daphne_installed(None)] if "daphne" in apps else []
        print(f"daphne {where:<24} runserver from {get_commands()['runserver']:<27} checks: {problems}")
get_commands.cache_clear()

# %% [markdown]
# Listed anywhere before `staticfiles`, daphne's `runserver` wins; after it, `staticfiles`'
# wins and `manage.py check` reports `daphne.E001`. What that means for a WebSocket is best
# seen live. Two settings modules, each the demo project's settings with one change, written
# as lesson modules so that a `runserver` process can import them. The first lists daphne
# fourth, just before `staticfiles`, and serves this notebook's `lesson.application`:

# %%
# %%lesson settings_daphne_later
from demo_project.settings import *  # noqa: F403  (the demo project's settings, then one change)

INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "daphne", "django.contrib.staticfiles", "channels", "chat"]
ASGI_APPLICATION = "lesson.application"

# %% [markdown]
# `run_runserver` (from `channels_lab.runserver`) runs `manage.py runserver --noreload` with a
# settings module on a free port. Over it, an echo:

# %%
from channels_lab.runserver import run_runserver


async def echo_over(server):
    """Send "hello" to ``server``'s /echo/; return the answer, or how the handshake failed."""
    try:
        async with connect(server.ws_url("/echo/")) as ws:
            await ws.send("hello")
            return f"echo {await ws.recv()!r}"
    except InvalidStatus as error:
        return f"handshake refused with HTTP {error.response.status_code}"


with run_runserver("settings_daphne_later") as server:
    print("daphne just before staticfiles:", await echo_over(server))

# %% [markdown]
# daphne's `runserver` served the WebSocket though daphne was not first. The second settings
# module leaves daphne out, as the post does:

# %%
# %%lesson settings_without_daphne
from demo_project.settings import *  # noqa: F403  (the demo project's settings, then one change)

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "daphne"]  # noqa: F405
ASGI_APPLICATION = "lesson.application"

# %% [markdown]
# Like the module before, it changes only `INSTALLED_APPS` (here: the demo's list without
# daphne) and names the lesson's application. The same command, the same echo:

# %%
with run_runserver("settings_without_daphne") as server:
    print("daphne not installed:", await echo_over(server))

# %% [markdown]
# The same command now starts Django's WSGI development server. It never looks at
# `ASGI_APPLICATION`; it handed the handshake to Django's URL patterns as an ordinary GET, and
# Django has no page at `/echo/`: 404, and in a browser `onclose` with code 1006. The settings
# still name an ASGI application, and nothing warns. `demo_project/asgi.py` calls
# `get_asgi_application()` *before* importing consumers, so that the app registry is ready
# before any model is imported.

# %% [markdown]
# ## 3. Routing with `django.conf.urls.url`
#
# The post's routing imports `url` from `django.conf.urls`. It was deprecated in Django 3.1
# and removed in 4.0:

# %%
try:
    from django.conf.urls import url  # noqa: F401
except ImportError as error:
    print("ImportError:", str(error).split(" (")[0])  # the message ends with the file's path on this machine

# %% [markdown]
# The import fails. Today the same routes use `django.urls.path` (or `re_path` for a regular
# expression), exactly as in `urls.py`.

# %% [markdown]
# ## 4. Routing to the consumer class itself
#
# The post's routes name the consumer class (`consumers.ChatConsumer`). Since Channels 3 a
# route needs an ASGI application, which the class gives through `as_asgi()`. The class alone
# fails only when the first client connects:

# %%
from django.urls import re_path


async def try_route(consumer):
    """Connect a communicator through a router with one route, ^chat/$, to ``consumer``."""
    client = WebsocketCommunicator(URLRouter([re_path(r"^chat/$", consumer)]), "/chat/")
    try:
        connected, _ = await client.connect(timeout=0.5)  # an error shows only after the timeout
        await client.disconnect()
        return f"connected: {connected}"
    except TypeError as error:
        return f"TypeError: {error}"


print("the class:             ", await try_route(EchoConsumer))
print("EchoConsumer.as_asgi():", await try_route(EchoConsumer.as_asgi()))

# %% [markdown]
# The router called the class, got a consumer object, and could not await it. `as_asgi()`
# returns a coroutine function that makes one consumer instance per connection.

# %% [markdown]
# ## 5. A `ProtocolTypeRouter` with only `"websocket"`
#
# The post's application maps only `"websocket"`. Channels 2 added Django's HTTP handler
# behind your back when `"http"` was missing, and Channels 3 still did, with a
# `DeprecationWarning` asking for an explicit entry; Channels 4.0 removed it (its release
# notes: "Removed deprecated automatic routing of `http`"). Such an application cannot serve
# a single page today:

# %%
from channels.testing import HttpCommunicator


async def get_home_page(app):
    """GET / from ``app`` as a browser on the demo's host would; return the status code."""
    page = HttpCommunicator(app, "GET", "/", headers=[(b"host", b"127.0.0.1")])
    try:
        return (await page.get_response(timeout=0.5))["status"]  # an error shows only after the timeout
    finally:
        await page.wait()  # let the application finish its own tasks too


websocket_only = ProtocolTypeRouter({"websocket": URLRouter([re_path(r"^chat/$", EchoConsumer.as_asgi())])})
print("routes:", list(websocket_only.application_mapping))
try:
    await get_home_page(websocket_only)
except ValueError as error:
    print("ValueError:", error)

with_http = ProtocolTypeRouter({"http": django_only, "websocket": websocket_only})
print("with an 'http' entry, GET / answers:", await get_home_page(with_http))

# %% [markdown]
# The router kept exactly the one route it was given. Without an `"http"` entry every page
# raises; with `"http": get_asgi_application()` Django answers (200 here: the demo's chat
# page).

# %% [markdown]
# ## 6. Overriding `websocket_connect`, `websocket_receive`, `websocket_disconnect`
#
# The post's first consumer overrides the low-level `websocket_*` handlers (accepting in its
# own `websocket_connect`, raising `StopConsumer` in its `websocket_disconnect`). That still
# runs, but those handlers are the base class's plumbing: `websocket_connect` is where a
# consumer joins its `groups` before calling `connect()`, and `websocket_disconnect` is where it
# leaves them. Notebook 04 ("Groups: the `groups` attribute, and a pitfall from the origin
# article") shows the connect side; here are both sides. The post's two overrides, each on a
# consumer that belongs to group `lobby`:

# %%
from channels.exceptions import StopConsumer


class PostConnect(WebsocketConsumer):
    groups = ["lobby"]

    def websocket_connect(self, message):  # the post's style: accept here, no super()
        self.accept()


class PostDisconnect(WebsocketConsumer):
    groups = ["lobby"]

    def websocket_disconnect(self, message):  # the post's style: no super()
        raise StopConsumer()

# %% [markdown]
# Both are what the post writes, minus its prints. The current way overrides the methods the
# base class calls, and leaves the plumbing alone:

# %%
class Modern(WebsocketConsumer):
    groups = ["lobby"]

    def connect(self):  # called by the base websocket_connect, after it joined the groups
        self.accept()

    def disconnect(self, code):  # called by the base websocket_disconnect, which then leaves them
        pass

# %% [markdown]
# One client connects to each in turn; we count the members of `lobby` while it is connected
# and after it left:

# %%
from channels.layers import get_channel_layer


async def lobby_members(consumer):
    """How many channels group lobby holds while a client of ``consumer`` is connected, and after."""
    layer = get_channel_layer()
    await layer.flush()
    client = WebsocketCommunicator(consumer.as_asgi(), "/")
    await client.connect()
    during = len(layer.groups.get("lobby", {}))
    await client.disconnect()
    return during, len(layer.groups.get("lobby", {}))


for consumer in (PostConnect, PostDisconnect, Modern):
    during, after = await lobby_members(consumer)
    print(f"{consumer.__name__:<15} members while connected: {during}, after it left: {after}")

# %% [markdown]
# `PostConnect` never joined the group (its `websocket_connect` replaced the code that joins),
# so it would never hear a `group_send`. `PostDisconnect` joined and never left: every later
# `group_send` keeps writing to its dead channel until the entry expires. `Modern` did both.
# Override `connect`, `receive` and `disconnect` instead.

# %% [markdown]
# ## 7. The quoted `WebsocketConsumer` source
#
# The post reprints Channels 2's `WebsocketConsumer`. Channels 4's differs in three visible
# places: `accept()` can send handshake headers, `close()` can send a reason, and a frame with
# `"text": None` beside its bytes (allowed by the current ASGI spec) is now read as binary;
# the old `"text" in message` test passed `None` on as the text and lost the bytes.

# %%
print("accept", inspect.signature(WebsocketConsumer.accept))
print("close ", inspect.signature(WebsocketConsumer.close))

echo = WebsocketCommunicator(EchoConsumer.as_asgi(), "/")
await echo.connect()
await echo.send_input({"type": "websocket.receive", "text": None, "bytes": b"\x01\x02"})
print("a frame with text None and bytes comes back as:", await echo.receive_output())
await echo.disconnect()

# %% [markdown]
# The echo consumer received the bytes and sent them back. The two new arguments reach the
# ASGI server as fields of the messages the consumer sends. In-process, `PoliteConsumer`'s two
# messages:

# %%
polite = WebsocketCommunicator(PoliteConsumer.as_asgi(), "/polite/")
await polite.send_input({"type": "websocket.connect"})
print(await polite.receive_output())
await polite.send_input({"type": "websocket.receive", "text": "hi"})
print(await polite.receive_output())
await polite.send_input({"type": "websocket.disconnect", "code": 4000})
await polite.wait()

# %% [markdown]
# The accept message carries the header and the close message carries the reason. Whether a
# client gets them is up to the server. Over daphne (one server for the rest of the notebook):

# %%
server = served.enter_context(run_daphne("lesson:application"))

async with connect(server.ws_url("/polite/")) as ws:
    header = ws.response.headers.get("x-chat-version")
    await ws.send("hi")
    with contextlib.suppress(ConnectionClosed):
        await ws.recv()
print("x-chat-version header:", header)
print(f"closed with code {ws.close_code}, reason {ws.close_reason!r}")

# %% [markdown]
# The client got the code, but no header and an empty reason: daphne 4.2 passes only
# `subprotocol` from `websocket.accept` and only `code` from `websocket.close` on to the
# connection (`daphne/ws_protocol.py`, lines 190 and 195), as notebook 04 shows too. So use
# `close(code)` and `accept(subprotocol)` with daphne, and send an explanation as a message
# before closing if the client needs one; the other arguments matter only on servers that
# honour them.
# %% [markdown]
# ## 8. `get_handler_name`: `call.back` → `call_back`
#
# The post quotes the function that turns a message `type` into a method name, with its
# leading-underscore check made *before* dots become underscores. Channels 4 checks after, so
# a type like `".secret"` can no longer reach a method named `_secret`:

# %%
from channels.consumer import get_handler_name

print("call.back ->", get_handler_name({"type": "call.back"}))
for bad in ("_secret", ".secret"):
    try:
        get_handler_name({"type": bad})
    except ValueError as error:
        print(f"{bad!r} -> ValueError: {error}")

# %% [markdown]
# Both spellings are refused now. The dot-to-underscore rule itself is unchanged
# (notebook 08).

# %% [markdown]
# ## 9. Channel names and the in-memory layer
#
# The post quotes the in-memory layer's `new_channel()` and offers that layer as an
# alternative to Redis without a caveat. Names still look the same (note the double dot), but
# the in-memory layer lives inside one process: Channels' documentation reserves it for tests
# and local development, and two processes never share its groups (notebook 12 shows it with
# two daphnes). Two layer objects behave like two processes:

# %%
import re

from channels.layers import InMemoryChannelLayer

first, second = InMemoryChannelLayer(), InMemoryChannelLayer()
name = await second.new_channel()
print("name matches 'specific..inmemory!<12 letters>':", bool(re.fullmatch(r"specific\.\.inmemory![A-Za-z]{12}", name)))
await second.group_add("f1", name)
await first.group_send("f1", {"type": "call.back", "message": "hello"})
try:
    await asyncio.wait_for(second.receive(name), timeout=0.2)
    print("the other layer received it")
except TimeoutError:
    print("the other layer received nothing")

# %% [markdown]
# The group lived in `second` only, so `first` sent to nobody, and nothing said so.

# %% [markdown]
# ### A channel is a queue, not a broadcast frequency
#
# The post likens a channel to a radio frequency: whoever tunes in hears every broadcast. On
# the in-memory layer and on channels-redis's standard layer (`RedisChannelLayer`) a channel is
# a queue instead: each message is taken by **one** receiver. Two receivers wait on one channel
# name; we send one message, then a second:

# %%
async def two_receivers(first, second, channel="thumbnails"):
    """One receiver on each layer object waits on ``channel``; send it two messages, one at a time.

    Returns how many of the two receivers hold a message after each send.
    """
    waiting = [asyncio.ensure_future(layer.receive(channel)) for layer in (first, second)]
    holding = []
    try:
        await asyncio.sleep(0.1)  # both are waiting
        for n in (1, 2):
            await first.send(channel, {"type": "job", "n": n})
            await asyncio.wait(waiting, timeout=0.3)
            holding.append(sum(task.done() for task in waiting))
        return holding
    finally:
        for task in waiting:
            task.cancel()


memory = InMemoryChannelLayer()
print("in-memory, one layer object: receivers holding a message after each send:", await two_receivers(memory, memory))

# %% [markdown]
# After the first send one receiver of two had it, not both. The second message reached nobody
# within the wait, a quirk of the in-memory layer: the `receive()` that took the last message
# of a channel drops the channel's queue (`channels/layers.py`, lines 298–302), and the other
# receiver is left waiting on the dropped one. Consumers never meet it, since each channel has
# one reader, but it is one more reason to keep this layer for tests. Redis, with two layer
# objects as two processes would have (a throw-away redis-server):

# %%
from channels_lab import run_redis
from channels_redis.core import RedisChannelLayer

with run_redis() as redis:
    hosts = [{"address": redis.url, "socket_timeout": None}]
    one, two = RedisChannelLayer(hosts=hosts), RedisChannelLayer(hosts=hosts)
    print("Redis, two layer objects:    receivers holding a message after each send:", await two_receivers(one, two))
    await one.close_pools()
    await two.close_pools()

# %% [markdown]
# One message, one receiver again, and the second message went to the other receiver
# (`BZPOPMIN` hands each entry of Redis's sorted set to one waiting client). That is what lets several `runworker` processes share the jobs of one
# channel, each job done once (notebook 07). The broadcast of the post's picture is a *group*:
# `group_send` puts a copy into every member's channel. One exception: channels-redis's
# pub/sub layer (`RedisPubSubChannelLayer`) publishes each message of a channel to every
# process that receives on it, so across processes it does behave like a frequency (notebook
# 07 compares the two).

# %% [markdown]
# ## 10. The Redis layer with a plain URL host
#
# The post's Redis configuration gives `hosts` as a URL string. That still works, but with the
# redis-py this course installs (8.1) every connection then gets a 5-second socket timeout,
# which breaks a consumer that waits quietly for messages (channels_redis issue 422; notebook
# 07 shows it live). Give the host as a dict with `socket_timeout: None`:

# %%
from channels_redis.utils import create_pool

url = "redis://127.0.0.1:6379/1"  # no connection is made: we only build the pools
plain = create_pool({"address": url}).make_connection()
fixed = create_pool({"address": url, "socket_timeout": None}).make_connection()
print("hosts: [url]            -> socket timeout", plain.socket_timeout, "s")
print("hosts: [{..., None}]    -> socket timeout", fixed.socket_timeout)

# %% [markdown]
# The string form timed out quiet reads after 5 s; the dict form waits for as long as it
# takes. `demo_project/settings.py` uses the dict form.


# %% [markdown]
# ## 11. Authentication
#
# The post reprints `AuthMiddleware` and `AuthMiddlewareStack` and stops before using them.
# Its `AuthMiddleware` has the two hooks `populate_scope` and `resolve_scope` and no
# `__call__`, and its stack is a `lambda`. Both hooks still exist in Channels 4.3, word for
# word; what changed is who calls them and the stack's form:

# %%
from channels.auth import AuthMiddleware, AuthMiddlewareStack
from channels.middleware import BaseMiddleware

print("hooks still there:", [name for name in ("populate_scope", "resolve_scope") if hasattr(AuthMiddleware, name)])
for cls in (AuthMiddleware, BaseMiddleware):
    call = cls.__call__
    print(f"{cls.__name__}.__call__{inspect.signature(call)} defined in {call.__qualname__.split('.')[0]}, "
          f"async: {inspect.iscoroutinefunction(call)}")
print("AuthMiddlewareStack is a", type(AuthMiddlewareStack).__name__, "named", AuthMiddlewareStack.__name__)

# %% [markdown]
# `AuthMiddleware` now has its own `async def __call__(self, scope, receive, send)`, one call per
# connection (ASGI 3), and that is what calls the two hooks (`channels/auth.py`, lines
# 178–185). `BaseMiddleware.__call__` only copies the scope and calls the inner application
# (`channels/middleware.py`, lines 16–24); in Channels 2 it was the one calling the hooks, which
# is why the post's copy needs no `__call__`. And `AuthMiddlewareStack` is a `def` now
# (line 189), not a `lambda`. What that means for a middleware written the post's way, hooks
# only:

# %%
class TaggingMiddleware(BaseMiddleware):
    """Written the post's way: only the two hooks, no __call__."""

    def populate_scope(self, scope):
        scope["tag"] = "set by populate_scope"

    async def resolve_scope(self, scope):
        scope["tag"] += " and resolve_scope"


class TagConsumer(WebsocketConsumer):
    def connect(self):
        self.accept()
        self.send(text_data=repr(self.scope.get("tag")))


client = WebsocketCommunicator(TaggingMiddleware(TagConsumer.as_asgi()), "/")
await client.connect()
print("scope['tag'] seen by the consumer:", await client.receive_from())
await client.disconnect()

# %% [markdown]
# Neither hook ran: the consumer found no `tag`. A custom middleware must define
# `async def __call__(self, scope, receive, send)` that calls its hooks (or just does the
# work) and then `await super().__call__(scope, receive, send)`, as `AuthMiddleware` does.
#
# What the post leaves out matters more: the stack alone accepts a WebSocket from **any**
# page. WebSocket handshakes are not covered by CORS, so a page on another origin can open one
# with the user's cookies wherever the browser sends them, and only the `Origin` header says
# which page it was. `AllowedHostsOriginValidator` checks it against `ALLOWED_HOSTS`:

# %%
from channels.security.websocket import AllowedHostsOriginValidator

guarded = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter([path("echo/", EchoConsumer.as_asgi())])))


async def accepted_from(origin):
    client = WebsocketCommunicator(guarded, "/echo/", headers=[(b"origin", origin)])
    connected, _ = await client.connect()
    await client.disconnect()
    return connected


print("origin http://127.0.0.1:", await accepted_from(b"http://127.0.0.1"))
print("origin https://evil.example:", await accepted_from(b"https://evil.example"))

# %% [markdown]
# The guarded stack accepts its own origin and refuses another site's (notebook 09 shows when
# a browser really sends the cookies, and the attacks the check stops). And where the post
# shows `login(scope, user)`, current Channels needs a `scope["session"].save()` after it, as
# notebook 09 does.

# %% [markdown]
# ## 12. The browser side
#
# The post's browser section hedges that "most" browsers support WebSocket, connects to
# `ws://localhost:8000` (the root path, which its own routing does not serve), registers an
# `"onopen"` event listener, says `bufferedAmount` counts the *binary* data not yet sent and
# checks it right after `send()` to decide whether a send has finished, and names the socket
# `ws` in one snippet and `socket` in another. A real Chromium, driven by Playwright, tries
# each against the daphne of section 7:

# %%
from channels_lab.browser import chromium

PAGE_SCRIPT = """async (base) => {
  const result = {typeofWebSocket: typeof WebSocket};
  const ws = new WebSocket(base + "/echo/");
  const fired = [];
  ws.addEventListener("onopen", () => fired.push("onopen"));
  ws.addEventListener("open", () => fired.push("open"));
  await new Promise(resolve => ws.addEventListener("open", resolve));
  ws.send("a".repeat(300000));
  result.afterAsciiText = ws.bufferedAmount;
  ws.send("é".repeat(100000));
  result.afterAccentedText = ws.bufferedAmount;
  ws.send(new ArrayBuffer(300000));
  result.afterBinary = ws.bufferedAmount;
  result.listenersFired = fired;
  result.typeofSocket = typeof socket;
  ws.close();
  const root = new WebSocket(base);
  result.rootPath = await new Promise(resolve =>
    root.addEventListener("close", event => resolve({code: event.code, readyState: root.readyState})));
  return result;
}"""

async with chromium() as browser:
    page = await browser.new_page()
    seen = await page.evaluate(PAGE_SCRIPT, server.ws_url(""))
for key, value in seen.items():
    print(f"{key:<20} {value}")

# %% [markdown]
# - `WebSocket` exists (every current browser has had it for over a decade).
# - Only the `"open"` listener fired. `addEventListener` takes the event's name, `open`; the
#   `on` prefix belongs to the property form, `ws.onopen = ...`. A listener for `"onopen"` waits
#   for an event that never comes (notebook 10).
# - `bufferedAmount` counts **text too**, in bytes of UTF-8: 300,000 after 300,000 `a`s, then
#   200,000 more for 100,000 `é`s (two bytes each), then the 300,000 binary bytes. And right
#   after `send()` it held everything, so the post's check can only ever take its "not
#   finished" branch. There is no event for a drained buffer: poll `bufferedAmount` later (for
#   example every 100 ms) to see it fall to 0.
# - `socket` is undefined: the post's `onerror` snippet would throw a `ReferenceError`.
# - The root path `/` has no route, so the handshake failed and `close` came with 1006 and
#   `readyState` 3 (CLOSED). Connect to the path the routing serves.

# %%
served.close()
print("daphne stopped:", server.process.poll() is not None)

# %% [markdown]
# The appendix's daphne is stopped; nothing is left running.

# %% [markdown]
# ## Glossary
#
# The post's Chinese terms beside the English terms this series uses.
#
# | Chinese | Pinyin | This series says |
# |---|---|---|
# | 协议 | xiéyì | protocol |
# | 握手阶段 | wòshǒu jiēduàn | the (opening) handshake |
# | 双向通信 / 双向平等对话 | shuāngxiàng tōngxìn | two-way (full-duplex) communication |
# | 推送 | tuīsòng | push (the server sends unasked) |
# | 异步服务网关接口 | yìbù fúwù wǎngguān jiēkǒu | Asynchronous Server Gateway Interface (ASGI) |
# | 路由 | lùyóu | routing, a route |
# | 视图 (used by the post for consumers) | shìtú | view (Django); **consumer** (Channels) |
# | 处理请求 | chǔlǐ qǐngqiú | handling a request / a connection |
# | 配置 | pèizhì | settings, configuration |
# | 源码 | yuánmǎ | source code |
# | 连接 / 断开连接 | liánjiē / duànkāi liánjiē | connect / disconnect |
# | 发送消息 / 接收消息 | fāsòng / jiēshōu xiāoxi | send / receive a message |
# | 二进制数据 / 文本数据 | èrjìnzhì / wénběn shùjù | binary frame / text frame |
# | 回调函数 | huítiáo hánshù | callback; event handler (`onopen`, `onmessage`, ...) |
# | 实例对象 | shílì duìxiàng | instance (a `WebSocket` object) |
# | 构造函数 | gòuzào hánshù | constructor (`new WebSocket(url)`) |
# | 频道 / 通道 (channel) | píndào / tōngdào | channel (a consumer's mailbox, `channel_name`) |
# | 广播 | guǎngbō | broadcast; in Channels, `group_send` |
# | 组 / 群 / 群名 | zǔ / qún / qún míng | group / group name |
# | 踢除 (from the group) | tīchú | leave a group (`group_discard`) |
# | 基于内存 | jīyú nèicún | in-memory (layer) |
# | 认证 | rènzhèng | authentication |
# | 会话 | huìhuà | session |
