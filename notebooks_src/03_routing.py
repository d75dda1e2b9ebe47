# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · How does a connection find its consumer?
#
# In Django a request goes URL → view. In Channels a connection goes **router → consumer**:
# a `ProtocolTypeRouter` picks by the kind of connection (`http`, `websocket`, `channel`), a
# `URLRouter` picks by path using Django's own `path()` and `re_path()`, and a
# `ChannelNameRouter` picks by channel name for background workers. Each router is itself an
# ASGI application, so they nest. The origin article describes the same three routers; this
# notebook runs them, and shows what its code does on today's Django and Channels.

# %%
from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path, re_path

from channels_lab import check, run_daphne, setup_django

setup_django()
print("routers imported; %%lesson cells are enabled")

# %% [markdown]
# The three routers come from `channels.routing`; `path()` and `re_path()` are Django's own.
# The consumers of this notebook are `%%lesson` cells, so daphne can serve them later. All of
# the WebSocket ones are synchronous (`WebsocketConsumer` style), like notebook 04's; notebook
# 06 shows when async consumers are worth it.

# %%
# %%lesson
from asgiref.sync import async_to_sync
from channels.consumer import AsyncConsumer
from channels.generic.websocket import JsonWebsocketConsumer
from channels.routing import ChannelNameRouter, ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application
from django.urls import path, re_path

# %% [markdown]
# The lesson module's imports, including Django's HTTP handler for the `http` route further down.

# %%
# %%lesson
class WhereAmI(JsonWebsocketConsumer):
    """Tells the client which path it asked for and what the router captured from it."""

    def connect(self):
        self.accept()
        route = self.scope["url_route"]
        self.send_json({"path": self.scope["path"], "args": list(route["args"]), "kwargs": route["kwargs"]})

# %% [markdown]
# `WhereAmI` accepts and sends back, as JSON, what the router put in `scope["url_route"]`.

# %%
router = URLRouter([path("ws/rooms/<slug:room>/", WhereAmI.as_asgi())])

client = WebsocketCommunicator(router, "/ws/rooms/lobby/")
print("accepted:", (await client.connect())[0])
print("the consumer saw:", await client.receive_json_from())
await client.disconnect()

# %% [markdown]
# The router matched `/ws/rooms/lobby/` against `ws/rooms/<slug:room>/` and called `WhereAmI`
# with the captured `room` in `scope["url_route"]["kwargs"]`, exactly where a consumer reads it.

# %% [markdown]
# ## How `URLRouter` matches
#
# It drops the leading `/`, then tries each route in order with Django's own pattern classes;
# the first that matches wins. `path()` converters turn text into values (`<int:...>` gives an
# `int`); `re_path()` named groups stay strings, and unnamed groups land in `args`, but only
# when the pattern has no named group at all (the last route below has one of each).

# %%
router = URLRouter(
    [
        path("ws/users/<int:user_id>/", WhereAmI.as_asgi()),
        re_path(r"^ws/archive/(?P<year>[0-9]{4})/$", WhereAmI.as_asgi()),
        re_path(r"^ws/tags/([a-z]+)/$", WhereAmI.as_asgi()),
        re_path(r"^ws/both/(?P<room>[a-z]+)/([0-9]+)/$", WhereAmI.as_asgi()),
    ]
)


async def where(application, url, **options):
    client = WebsocketCommunicator(application, url, **options)
    await client.connect()
    seen = await client.receive_json_from()
    await client.disconnect()
    return seen


for url in ["/ws/users/42/", "/ws/archive/2026/", "/ws/tags/django/", "/ws/both/lobby/7/"]:
    seen = await where(router, url)
    print(f"{url:<18} args={seen['args']} kwargs={seen['kwargs']}")

# %% [markdown]
# `user_id` arrived as the number 42, `year` as the string `"2026"`, and the lone unnamed group
# as a positional argument. In the last route the unnamed `7` vanished: Django's
# `RegexPattern.match` passes unnamed groups only when there are no named ones. Name every
# group you need.

# %% [markdown]
# ## Nested routers
#
# A route may point at another `URLRouter`: the outer one consumes its part of the path and the
# inner one matches the rest. Captured values from every level are merged. The inner router is
# a `%%lesson` cell, because the application daphne serves below uses it too.

# %%
# %%lesson
room_routes = URLRouter(
    [
        path("members/<int:user_id>/", WhereAmI.as_asgi()),
        path("", WhereAmI.as_asgi()),
    ]
)

# %% [markdown]
# `room_routes` matches what is left of the path after a room prefix: `members/7/`, or nothing.

# %%
nested = URLRouter([path("ws/rooms/<slug:room>/", room_routes)])

for url in ["/ws/rooms/lobby/", "/ws/rooms/lobby/members/7/"]:
    seen = await where(nested, url)
    print(f"{url:<28} kwargs={seen['kwargs']}")

# %% [markdown]
# The outer router captured `room`, the inner one `user_id`, and the consumer got both.
#
# Django's `include()` looks like the way to do this, but `URLRouter` refuses it as soon as it
# is built:

# %%
from django.core.exceptions import ImproperlyConfigured
from django.urls import include

try:
    URLRouter([path("ws/rooms/<slug:room>/", include([path("", WhereAmI.as_asgi())]))])
except ImproperlyConfigured as error:
    print("ImproperlyConfigured:", str(error).split(": ", 1)[1])

# %% [markdown]
# `include()` is for Django's HTTP URLconfs; inside Channels, nest `URLRouter`s instead.

# %% [markdown]
# ## `ChannelNameRouter`: background workers
#
# Some work should not run inside a WebSocket consumer (resizing images, sending mail). A
# consumer can `channel_layer.send()` a message to a named channel; a **worker** listens on that
# channel and a `ChannelNameRouter` picks the consumer for it. Two consumers: one a client
# talks to, one that only the channel layer talks to.

# %%
# %%lesson
class UploadConsumer(JsonWebsocketConsumer):
    """``{"image": "cat.png"}`` -> asks the thumbnail worker, then tells the client what it made."""

    def receive_json(self, content, **kwargs):
        message = {"type": "thumbnail.make", "image": content["image"], "reply_to": self.channel_name}
        async_to_sync(self.channel_layer.send)("thumbnails", message)

    def thumbnail_done(self, event):
        self.send_json({"thumbnail": event["thumbnail"]})

# %% [markdown]
# `UploadConsumer` makes no thumbnail itself: it sends `{"type": "thumbnail.make", ...}` to the
# channel `"thumbnails"` with its own channel name to reply to, and relays the answer, which
# arrives as a `thumbnail.done` event and so calls `thumbnail_done()`. The channel layer's
# methods are coroutines; `async_to_sync()` lets sync code like this call one and wait for it.

# %%
# %%lesson
class ThumbnailWorker(AsyncConsumer):
    """A background consumer: no client, no socket; it only receives messages sent to its channel."""

    async def thumbnail_make(self, message):
        name, _, extension = message["image"].rpartition(".")
        reply = {"type": "thumbnail.done", "thumbnail": f"{name}.thumb.{extension}"}
        await self.channel_layer.send(message["reply_to"], reply)

# %% [markdown]
# A `thumbnail.make` message calls `thumbnail_make()`, which answers on the channel it was told
# to reply to. This one consumer is async (`async def`, `await`), for a reason of the worker's:
# `Worker` hands each instance a plain `lambda` as its `send`, and a sync consumer wraps `send`
# in `async_to_sync`, which warns "async_to_sync was passed a non-async-marked callable" when
# it gets one. An async worker consumer uses `send` as it is. Notebook 06 is about async.

# %% [markdown]
# ## `ProtocolTypeRouter`: by kind of connection
#
# The top of every Channels project is a `ProtocolTypeRouter` keyed by `scope["type"]`. This
# one routes three kinds: `http` to Django, `websocket` to the routes above, and `channel`
# (messages a worker receives) through a `ChannelNameRouter` to `ThumbnailWorker`.

# %%
# %%lesson
websocket_routes = URLRouter(
    [
        path("ws/rooms/<slug:room>/", room_routes),
        re_path(r"^ws/archive/(?P<year>[0-9]{4})/$", WhereAmI.as_asgi()),
        path("ws/upload/", UploadConsumer.as_asgi()),
    ]
)

application = ProtocolTypeRouter(
    {
        "http": get_asgi_application(),
        "websocket": websocket_routes,
        "channel": ChannelNameRouter({"thumbnails": ThumbnailWorker.as_asgi()}),
    }
)

# %% [markdown]
# The whole application: the nested rooms, an archive and the upload under `websocket`, and the
# worker's channel under `channel`. Each router is an ASGI application, so they nest freely.

# %%
from channels.testing import HttpCommunicator


async def http_get(application, url="/"):
    """One in-process HTTP GET; waits for the application to finish too."""
    communicator = HttpCommunicator(application, "GET", url, headers=[(b"host", b"127.0.0.1")])
    response = await communicator.get_response()
    await communicator.wait()
    return response


print("types:", sorted(application.application_mapping))
print("websocket:", await where(application, "/ws/archive/1999/"))
print("http: status", (await http_get(application))["status"], "from Django")

# %% [markdown]
# The same application object served a WebSocket through the URL router and an HTTP request
# through Django: the `scope["type"]` decided which.

# %% [markdown]
# ## Running the worker
#
# `manage.py runworker thumbnails` runs Channels' `Worker` class in its own process; that needs a
# channel layer shared between processes (Redis, notebook 07). With the in-memory layer the
# worker must live in this process. `Worker` is small; its heart is one loop per channel:

# %%
import inspect

from channels.management.commands.runworker import Command as RunWorker
from channels.worker import Worker

print("runworker uses:", RunWorker.worker_class.__name__, "| a subclass of", Worker.__bases__[0].__name__)
print(inspect.getsource(Worker.listener))
StatelessServer = Worker.__bases__[0]
print([line.strip() for line in inspect.getsource(StatelessServer.get_or_create_application_instance).splitlines()
       if "send=" in line][0])

# %% [markdown]
# `listener(channel)` waits for each message on the channel, makes a `{"type": "channel",
# "channel": ...}` scope, and `get_or_create_application_instance()` (from asgiref's
# `StatelessServer`) starts one application instance for that channel, kept in the dict
# `application_instances`, and feeds it the message; that instance's `send` is the `lambda` of
# the last line (why `ThumbnailWorker` is async). `runworker` runs that loop forever; in a
# cell we run just the listener as a task, then stop it and the instance it started
# (`delete_application_instance()` cancels the instance's task).

# %%
import asyncio

from channels.layers import get_channel_layer

worker = Worker(application=application, channels=["thumbnails"], channel_layer=get_channel_layer())
listening = asyncio.create_task(worker.listener("thumbnails"))

client = WebsocketCommunicator(application, "/ws/upload/")
await client.connect()
await client.send_json_to({"image": "cat.png"})
print("client got:", await client.receive_json_from(timeout=2))
await client.disconnect()

print("instances the worker started:", [details["scope"] for details in worker.application_instances.values()])
listening.cancel()
for scope_id in list(worker.application_instances):
    worker.delete_application_instance(scope_id)
await asyncio.gather(listening, return_exceptions=True)
print("worker stopped:", listening.done(), "| instances left:", len(worker.application_instances))

# %% [markdown]
# The WebSocket consumer never made the thumbnail: it sent a message to the `thumbnails`
# channel, the worker started one instance with a `{"type": "channel", "channel": "thumbnails"}`
# scope that `ChannelNameRouter` routed to `ThumbnailWorker`, and the answer came back to the
# client. The cell stopped the listener and the instance, so nothing keeps running.

# %% [markdown]
# ## When nothing matches
#
# The outermost router raises `ValueError`. In-process we see the exception; through daphne the
# client sees the handshake fail, because the application crashed before it could accept.

# %%
client = WebsocketCommunicator(application, "/ws/nowhere/")
try:
    await client.connect()
except ValueError as error:
    print("in-process: ValueError:", error)

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

with run_daphne("lesson:application") as server:
    try:
        async with connect(server.ws_url("/ws/nowhere/")):
            pass
    except InvalidStatus as error:
        print("through daphne:", error)
    print("daphne logged the ValueError:", "No route found for path 'ws/nowhere/'" in server.output)

# %% [markdown]
# No route: a `ValueError` in the application, and an HTTP 500 for the client instead of `101`.
# Daphne logs the traceback; the browser only sees a failed connection.

# %% [markdown]
# ## The origin article's routing, today
#
# The article routes like this (Channels 2, Django 2):
#
# ```python
# from django.conf.urls import url
# application = ProtocolTypeRouter({
#     "websocket": URLRouter([url(r"^chat/$", consumers.ChatConsumer)]),
# })
# ```
#
# Three things in it no longer work. First, the import:

# %%
try:
    from django.conf.urls import url  # noqa: F401
except ImportError as error:
    print("ImportError:", str(error).split(" (")[0])  # without the installation's file path

# %% [markdown]
# `django.conf.urls.url()` was deprecated in Django 3.1 and removed in 4.0. `re_path()` from
# `django.urls` takes the same regular expression. Second, the consumer class itself as the route:

# %%
article_style = ProtocolTypeRouter({"websocket": URLRouter([re_path(r"^chat/$", WhereAmI)])})

client = WebsocketCommunicator(article_style, "/chat/")
try:
    await client.connect()
except TypeError as error:
    print("TypeError:", error)

# %% [markdown]
# Since Channels 3 a consumer class is not an ASGI application; `WhereAmI.as_asgi()` is
# (just as a Django class-based view needs `.as_view()`). Third, the router has no `http` key,
# so any plain HTTP request to that application fails:

# %%
try:
    await http_get(article_style)
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# Channels 2 added Django's HTTP handling for you; today you route `http` to
# `get_asgi_application()` yourself (and `ASGI_APPLICATION` points at `asgi.py`, notebook 02).
# The fixed version:

# %%
from django.core.asgi import get_asgi_application

fixed = ProtocolTypeRouter(
    {
        "http": get_asgi_application(),
        "websocket": URLRouter([re_path(r"^chat/$", WhereAmI.as_asgi())]),
    }
)

print("websocket:", await where(fixed, "/chat/"))
print("http: status", (await http_get(fixed))["status"])

# %% [markdown]
# `re_path()` instead of `url()`, `.as_asgi()` on the consumer, and an `http` route: the WebSocket
# is routed to the consumer, and HTTP reaches Django.

# %% [markdown]
# ## Exercises
#
# **ex05** — in `exercises/ex05_url_routes.py`, write `build_router()` returning a `URLRouter`
# that sends rooms, users (an `int`), a monthly archive (with `re_path`) and nested team
# channels to the `WhereAmI` consumer given in the file, with the right captured kwargs.

# %%
check("ex05")

# %% [markdown]
# **ex06** — in `exercises/ex06_worker_routing.py`, write `build_application()`: a
# `ProtocolTypeRouter` that sends WebSockets on `/ws/jobs/` to `JobConsumer` and messages on the
# channel `"jobs"` to `JobWorker` through a `ChannelNameRouter`.

# %%
check("ex06")
