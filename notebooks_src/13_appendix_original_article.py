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

from channels_lab import run_daphne, setup_django

setup_django()

from channels.testing import WebsocketCommunicator

from chat.consumers import ChatConsumer

# %% [markdown]
# ## 1. "ASGI is what makes WebSocket possible in Django"
#
# The post credits ASGI for WebSocket support. Since Django 3.0, Django itself speaks ASGI, so
# that part is now built in; but Django's own ASGI handler serves HTTP only. WebSocket still
# needs Channels (or another ASGI framework).

# %%
from django.core.asgi import get_asgi_application

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
# Channels 4 no longer includes a server: `runserver` speaks ASGI only when `"daphne"` is
# installed and listed **first**, and the application conventionally lives in `asgi.py`, next
# to Django's `get_asgi_application()`.

# %%
from django.conf import settings
from django.core.management import get_commands

print("first installed app:", settings.INSTALLED_APPS[0])
print("'channels' installed too:", "channels" in settings.INSTALLED_APPS)
print("runserver comes from:", get_commands()["runserver"])
print("ASGI_APPLICATION:", settings.ASGI_APPLICATION)

# %% [markdown]
# With `"daphne"` first, `manage.py runserver` is daphne's ASGI server; without it, `runserver`
# is Django's WSGI development server, which cannot answer a WebSocket handshake. `demo_project/asgi.py`
# calls `get_asgi_application()` *before* importing consumers, so that the app registry is
# ready before any model is imported.

# %% [markdown]
# ## 3. Routing with `django.conf.urls.url`
#
# The post's routing imports `url` from `django.conf.urls`. It was deprecated in Django 3.1
# and removed in 4.0:

# %% tags=["raises-exception"]
from django.conf.urls import url  # noqa: F401

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
from channels.routing import URLRouter
from django.urls import re_path


async def try_route(consumer):
    """Connect a communicator through a router with one route, ^chat/$, to ``consumer``."""
    client = WebsocketCommunicator(URLRouter([re_path(r"^chat/$", consumer)]), "/chat/")
    try:
        connected, _ = await client.connect()
        await client.disconnect()
        return f"connected: {connected}"
    except TypeError as error:
        return f"TypeError: {error}"


print("the class:          ", await try_route(ChatConsumer))
print("ChatConsumer.as_asgi():", await try_route(ChatConsumer.as_asgi()))

# %% [markdown]
# The router called the class, got a consumer object, and could not await it. `as_asgi()`
# returns a coroutine function that makes one consumer instance per connection.

# %% [markdown]
# ## 5. A `ProtocolTypeRouter` with only `"websocket"`
#
# The post's application maps only `"websocket"`. Channels 2 added Django's HTTP handler
# behind your back when `"http"` was missing; current Channels does not, so such an
# application cannot serve a single page:

# %%
from channels.routing import ProtocolTypeRouter
from channels.testing import HttpCommunicator

async def get_home_page(app):
    """GET / from ``app`` as a browser on the demo's host would; return the status code."""
    page = HttpCommunicator(app, "GET", "/", headers=[(b"host", b"127.0.0.1")])
    try:
        return (await page.get_response())["status"]
    finally:
        await page.wait()  # let the application finish its own tasks too


websocket_only = ProtocolTypeRouter({"websocket": URLRouter([re_path(r"^chat/$", ChatConsumer.as_asgi())])})
try:
    await get_home_page(websocket_only)
except ValueError as error:
    print("ValueError:", error)

with_http = ProtocolTypeRouter({"http": django_only, "websocket": websocket_only})
print("with an 'http' entry, GET / answers:", await get_home_page(with_http))

# %% [markdown]
# Without an `"http"` entry every page raises; with `"http": get_asgi_application()` Django
# answers (200 here: the demo's chat page).

# %% [markdown]
# ## 6. Overriding `websocket_connect`, `websocket_receive`, `websocket_disconnect`
#
# The post's first consumer overrides the low-level `websocket_*` handlers and raises
# `StopConsumer` itself. That still runs, but those handlers are the base class's plumbing:
# `websocket_disconnect` is where a consumer leaves its `groups`. Override it without calling
# the base class and the departed connection stays in the group:

# %%
from channels.exceptions import StopConsumer
from channels.generic.websocket import WebsocketConsumer
from channels.layers import get_channel_layer


class LowLevel(WebsocketConsumer):
    groups = ["lobby"]

    def websocket_disconnect(self, message):  # the post's style: no super()
        raise StopConsumer()


class Modern(WebsocketConsumer):
    groups = ["lobby"]

    def disconnect(self, code):  # what is special goes here; the base class leaves the groups
        pass


async def members_left_behind(consumer):
    layer = get_channel_layer()
    await layer.flush()
    client = WebsocketCommunicator(consumer.as_asgi(), "/")
    await client.connect()
    await client.disconnect()
    return len(layer.groups.get("lobby", {}))


print("websocket_disconnect overridden: members still in lobby:", await members_left_behind(LowLevel))
print("disconnect overridden:           members still in lobby:", await members_left_behind(Modern))

# %% [markdown]
# The low-level override left a dead channel in the group, and every later `group_send` keeps
# writing to it until it expires. Override `connect`, `receive` and `disconnect` instead.

# %% [markdown]
# ## 7. The quoted `WebsocketConsumer` source
#
# The post reprints Channels 2's `WebsocketConsumer`. Channels 4's differs in three visible
# places: `accept()` can send handshake headers, `close()` can send a reason, and a frame with
# `"text": None` beside its bytes (allowed by the current ASGI spec) is now read as binary;
# the old `"text" in message` test passed `None` on as the text and lost the bytes.

# %%
import inspect

print("accept", inspect.signature(WebsocketConsumer.accept))
print("close ", inspect.signature(WebsocketConsumer.close))

echo = WebsocketCommunicator(ChatConsumer.as_asgi(), "/")
await echo.connect()
await echo.send_input({"type": "websocket.receive", "text": None, "bytes": b"\x01\x02"})
print("a frame with text None and bytes comes back as:", await echo.receive_output())
await echo.disconnect()

# %% [markdown]
# The echo consumer received the bytes and sent them back. `close(code, reason)` and
# `accept(subprotocol, headers)` are the ones to use (notebook 04).

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
# Their shape is still today's (`populate_scope`, `resolve_scope`; the stack is now a `def`
# rather than a lambda). What the post leaves out matters more: the stack alone accepts a
# WebSocket from **any** page. WebSocket handshakes are not covered by CORS, so a page on
# another origin can open one with the user's cookies wherever the browser sends them, and
# only the `Origin` header says which page it was. `AllowedHostsOriginValidator` checks it:

# %%
from demo_project.asgi import application


async def accepted_from(origin):
    client = WebsocketCommunicator(application, "/ws/echo/", headers=[(b"origin", origin)])
    connected, _ = await client.connect()
    await client.disconnect()
    return connected


print("origin http://127.0.0.1:", await accepted_from(b"http://127.0.0.1"))
print("origin https://evil.example:", await accepted_from(b"https://evil.example"))

# %% [markdown]
# The demo accepts its own origin and refuses another site's (notebook 09). And where the
# post shows `login(scope, user)`, current Channels needs a `scope["session"].save()` after
# it, as notebook 09 does.

# %% [markdown]
# ## 12. The browser side
#
# The post's browser section hedges that "most" browsers support WebSocket, connects to
# `ws://localhost:8000` (the root path, which its own routing does not serve), registers an
# `"onopen"` event listener, checks `bufferedAmount` right after `send()` to decide whether a
# send has finished, and names the socket `ws` in one snippet and `socket` in another. A real
# Chromium, driven by Playwright, tries each against daphne:

# %%
from playwright.async_api import async_playwright

PAGE_SCRIPT = """async (base) => {
  const result = {typeofWebSocket: typeof WebSocket};
  const ws = new WebSocket(base + "/echo/");
  const fired = [];
  ws.addEventListener("onopen", () => fired.push("onopen"));
  ws.addEventListener("open", () => fired.push("open"));
  await new Promise(resolve => ws.addEventListener("open", resolve));
  ws.send(new ArrayBuffer(10000000));
  result.bufferedAmountRightAfterSend = ws.bufferedAmount;
  result.listenersFired = fired;
  result.typeofSocket = typeof socket;
  ws.close();
  const root = new WebSocket(base);
  result.rootPath = await new Promise(resolve =>
    root.addEventListener("close", event => resolve({code: event.code, readyState: root.readyState})));
  return result;
}"""

with run_daphne("lessons.nb12_client_address:application") as server:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = await browser.new_page()
        seen = await page.evaluate(PAGE_SCRIPT, server.ws_url(""))
        await browser.close()
for key, value in seen.items():
    print(f"{key:<30} {value}")

# %% [markdown]
# - `WebSocket` exists (every current browser has had it for over a decade).
# - Only the `"open"` listener fired. `addEventListener` takes the event's name, `open`; the
#   `on` prefix belongs to the property form, `ws.onopen = ...`. A listener for `"onopen"` waits
#   for an event that never comes (notebook 10).
# - Right after `send()`, `bufferedAmount` held all 10,000,000 bytes, so the post's check can
#   only ever take its "not finished" branch. There is no event for a drained buffer: poll
#   `bufferedAmount` later (for example every 100 ms) to see it fall to 0.
# - `socket` is undefined: the post's `onerror` snippet would throw a `ReferenceError`.
# - The root path `/` has no route, so the handshake failed and `close` came with 1006 and
#   `readyState` 3 (CLOSED). Connect to the path the routing serves.

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
