# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 09 · Who is on the other end? Sessions, auth and origins
#
# A WebSocket handshake is an HTTP request, so it carries the browser's cookies, Django's
# session cookie among them. Channels reads that cookie and tells the consumer who the user
# is. This notebook logs real users in, follows the cookie into a consumer, and shows when
# the user turns into `AnonymousUser`. It then logs in and out *inside* a consumer. Last, in
# a real Chromium, it shows which foreign pages can borrow a logged-in user's cookie
# (cross-site WebSocket hijacking), and how an origin check stops them.

# %%
import contextlib
import json
import os

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab import check, run_daphne, setup_django

setup_django()

from channels_lab.accounts import cookie_header, log_in, temporary_database

# %% [markdown]
# `channels_lab.accounts` holds test plumbing: `temporary_database()` migrates a throw-away
# SQLite file with some users, `log_in()` posts the demo's login form as a browser would,
# and `cookie_header()` says which cookies a client sends to a URL.
#
# ## The code this lesson serves
#
# Apart from Django's own login pages and the demo's room below, everything daphne serves here
# is written in `%%lesson` cells, which become the module `lesson`. First its imports.
# Django's HTTP application is made first, so that Django is set up before anything imports
# a model:

# %%
# %%lesson
import os

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack, login, logout
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.contrib.auth import authenticate
from django.urls import path

# %% [markdown]
# The members-only room is the demo's own `MembersRoomConsumer` (`demo_project/chat/`). All
# this lesson relies on is its `connect()`:

# %%
import inspect

from chat.consumers import LOGIN_REQUIRED, MembersRoomConsumer

print(inspect.getsource(MembersRoomConsumer.connect))
print("LOGIN_REQUIRED =", LOGIN_REQUIRED)

# %% [markdown]
# It reads `self.scope["user"]`. Anyone not logged in is accepted, told why, and closed with
# the application close code 4401 (4000–4999 are free for applications); a member joins the
# room's group.
#
# `AccountConsumer` answers `whoami`, `login` and `logout`. Every reply names the scope's user;
# a login also reports the session's key:

# %%
# %%lesson
class AccountConsumer(AsyncJsonWebsocketConsumer):
    """{"action": "whoami" | "login" | "logout", ...}; each reply names the scope's user."""

    async def receive_json(self, content, **kwargs):
        reply = {}
        if content.get("action") == "login":
            user = await database_sync_to_async(authenticate)(
                username=content.get("username"), password=content.get("password"))
            if user is None:
                await self.send_json({"error": "wrong username or password"})
                return
            await self.log_user_in(user)
            reply = {"session_key": self.scope["session"].session_key}
        elif content.get("action") == "logout":
            await logout(self.scope)  # delete the session's row; the scope's user is anonymous
        await self.send_json({"user": self.who(), **reply})

    async def log_user_in(self, user):
        await login(self.scope, user)  # the user into scope and session, maybe under a new key
        await self.scope["session"].asave()  # write the session's row to the database

    def who(self):
        user = self.scope["user"]
        return user.get_username() if user.is_authenticated else "anonymous"


# %% [markdown]
# Notice the two awaited calls in `log_user_in`: `login()` puts the user in the scope and
# her id in the session, and may give the session a new key; `asave()` writes the session's
# new contents to the database. Both are shown below, and so is the pitfall, the same
# consumer without `asave()`:

# %%
# %%lesson
class UnsavedLoginConsumer(AccountConsumer):
    """AccountConsumer with a common mistake: login() and no asave()."""

    async def log_user_in(self, user):
        await login(self.scope, user)


# %% [markdown]
# `RefuseEarlyConsumer` refuses in another way, before `accept()`:

# %%
# %%lesson
class RefuseEarlyConsumer(AsyncWebsocketConsumer):
    """Closes in connect() before accepting: the handshake fails with HTTP 403."""

    async def connect(self):
        await self.close(code=4401)  # the code cannot reach the client: there is no WebSocket yet


# %% [markdown]
# The application: HTTP goes to Django (login and logout pages), WebSockets to four routes.
# The same routes are mounted three times behind different origin checks. The plain paths
# are checked as the demo checks them, `/pinned/...` against an explicit list of origins, and
# `/unguarded/...` not at all:

# %%
# %%lesson
from chat.consumers import MembersRoomConsumer

ROUTES = [
    path("ws/members/<slug:room>/", MembersRoomConsumer.as_asgi()),
    path("ws/account/", AccountConsumer.as_asgi()),
    path("ws/refuse-early/", RefuseEarlyConsumer.as_asgi()),
    path("ws/unsaved-login/", UnsavedLoginConsumer.as_asgi()),
]
SITE_ORIGINS = os.environ.get("SITE_ORIGINS", "").split()  # this site's pages: scheme://host:port

guarded = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(ROUTES)))  # as in the demo
pinned = OriginValidator(AuthMiddlewareStack(URLRouter([path("pinned/", URLRouter(ROUTES))])), SITE_ORIGINS)
unguarded = AuthMiddlewareStack(URLRouter([path("unguarded/", URLRouter(ROUTES))]))  # DO NOT COPY


async def websocket(scope, receive, send):
    """The first path segment picks the check: unguarded, pinned, or (anything else) ALLOWED_HOSTS."""
    app = {"unguarded": unguarded, "pinned": pinned}.get(scope["path"].split("/")[1], guarded)
    return await app(scope, receive, send)


application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket})

# %% [markdown]
# A fresh database holds the users `alice` and `bob`. It, the browser and the servers of this
# notebook go on one `AsyncExitStack`, closed before the exercises (one section closes a stack
# of its own):

# %%
servers = contextlib.AsyncExitStack()
USERS = {"alice": "wonderland", "bob": "builder"}
database = servers.enter_context(temporary_database(USERS))
print("a migrated database with the users", sorted(USERS))

# %% [markdown]
# daphne serves the lesson with it. The demo's settings read the database's path from
# `DEMO_DATABASE`; the lesson reads its own origins from `SITE_ORIGINS`, so the server is
# started on a port chosen first:

# %%
from channels_lab.servers import free_port

port = free_port()
server = servers.enter_context(run_daphne("lesson:application", port=port, env={
    "DEMO_DATABASE": database, "SITE_ORIGINS": f"http://127.0.0.1:{port} http://localhost:{port}"}))
print("daphne at", server.url, "with users alice and bob")

# %% [markdown]
# ## The shortest example: the session cookie goes along
#
# `log_in()` fetches the demo's `/accounts/login/` page (Django's own `LoginView`), posts it
# with the CSRF token, and keeps the cookies in a cookie jar. We then open the members-only
# room and send the `Cookie` header that goes with that URL:

# %%
jar = log_in(server.url, "alice", "wonderland")
print("cookies the client now holds:", sorted(cookie.name for cookie in jar))

room = server.ws_url("/ws/members/lobby/")
async with connect(room, origin=server.origin, additional_headers={"Cookie": cookie_header(jar, room)}) as ws:
    await ws.send(json.dumps({"message": "hello, members"}))
    print("the room says:", json.loads(await ws.recv()))

# %% [markdown]
# The room knew the sender was `alice`, although the WebSocket never sent a username. The
# `sessionid` cookie from the HTTP login named a session in the database, and that session
# names the user.

# %% [markdown]
# ## The mechanism: `AuthMiddlewareStack`
#
# The lesson's routes sit inside `AuthMiddlewareStack`, a function that nests three
# middlewares. `AuthMiddleware` is short enough to print whole:

# %%
from channels.auth import AuthMiddleware, AuthMiddlewareStack
from channels.middleware import BaseMiddleware

print(inspect.getsource(AuthMiddlewareStack))
print(inspect.getsource(AuthMiddleware))
print(inspect.getsource(BaseMiddleware.__call__))

# %% [markdown]
# `CookieMiddleware` parses the `Cookie` header into `scope["cookies"]`. `SessionMiddleware`
# puts the session named by `sessionid` into `scope["session"]`. `AuthMiddleware.__call__`
# copies the scope (`dict(scope)`), calls `populate_scope` (a placeholder user) and awaits
# `resolve_scope` (the database lookup), and only then calls the inner application. A
# consumer can read `self.scope["user"]` in `connect()` without awaiting anything.
#
# The origin article prints an `AuthMiddleware` with the same `populate_scope` and
# `resolve_scope`, which Channels 4.3 still has, but with no `__call__` of its own, and an
# `AuthMiddlewareStack` written as a `lambda`. Without its own `__call__` it relies on the
# base class to call the two methods, and today's `BaseMiddleware.__call__`, printed last,
# only copies the scope and calls the inner application. The methods are the same; what
# calls them moved into `AuthMiddleware.__call__`, one call per connection (ASGI 3).

# %% [markdown]
# ## Anonymous: no cookie
#
# Without the cookie, the same room gets an `AnonymousUser`, and `MembersRoomConsumer` says
# why and closes with 4401:

# %%
async with connect(room, origin=server.origin) as ws:
    print("the room says:", json.loads(await ws.recv()))
    try:
        await ws.recv()
    except ConnectionClosed as closed:
        print("closed with code", closed.rcvd.code)

# %% [markdown]
# ## Refuse with a code the page can read
#
# A consumer could also refuse by calling `close()` in `connect()` **before** `accept()`.
# There is no WebSocket yet at that point, so daphne can only answer the handshake with
# HTTP 403. The code passed is lost, and a browser reports a generic failure (close code
# 1006). `RefuseEarlyConsumer` does that with `close(code=4401)`:

# %%
try:
    async with connect(server.ws_url("/ws/refuse-early/"), origin=server.origin):
        pass
except InvalidStatus as refused:
    print("handshake refused with HTTP", refused.response.status_code)

# %% [markdown]
# Only a 403 arrived, without the 4401. That is why the members' room accepts first, sends
# one JSON error, and then closes with 4401: the chat page can show "log in to join this
# room" instead of "connection failed".

# %% [markdown]
# ## `login()` inside a consumer
#
# `channels.auth.login(scope, user)` and `logout(scope)` are the WebSocket versions of
# Django's. Three helpers: `request()` sends a message and returns the reply,
# `whoami_with(key)` asks a new connection that sends the cookie `sessionid=key`, and
# `stored_session(key)` reads what the database holds under a session key (`None`: no row):

# %%
import sqlite3

from django.contrib.sessions.backends.db import SessionStore

account = server.ws_url("/ws/account/")


async def request(ws, **message):
    await ws.send(json.dumps(message))
    return json.loads(await ws.recv())


async def whoami_with(key):
    async with connect(account, origin=server.origin, additional_headers={"Cookie": f"sessionid={key}"}) as ws:
        return (await request(ws, action="whoami"))["user"]


def stored_session(key):
    with contextlib.closing(sqlite3.connect(database)) as db:
        row = db.execute("SELECT session_data FROM django_session WHERE session_key = ?", [key]).fetchone()
    return None if row is None else SessionStore().decode(row[0])

# %% [markdown]
# The pitfall first. A client without a cookie logs in through `UnsavedLoginConsumer`, the
# version without `asave()`:

# %%
async with connect(server.ws_url("/ws/unsaved-login/"), origin=server.origin) as ws:
    unsaved = await request(ws, action="login", username="alice", password="wonderland")
    print("login without asave():", unsaved["user"], "| whoami, same socket:", (await request(ws, action="whoami"))["user"])
print("a new connection sending the session's key:", await whoami_with(unsaved["session_key"]))
print("the database under that key:", stored_session(unsaved["session_key"]))

# %% [markdown]
# On its own socket the login worked, but the row under the session's key is empty, so any
# later connection sending that key is anonymous. `login()` changed the session in memory.
# The row exists because `login()` found no user in the session and called
# `session.cycle_key()`, which saved the session as it was then, empty, under a new key.
# Nothing saves it later: the session middleware saves a changed session only when an HTTP
# response starts (`save_message_types` in `channels/sessions.py`), which a WebSocket never
# sends. `AccountConsumer` awaits `asave()` after `login()`:

# %%
async with connect(account, origin=server.origin) as ws:
    reply = await request(ws, action="login", username="alice", password="wonderland")
    print("login with asave():", reply["user"])
print("a new connection sending the session's key:", await whoami_with(reply["session_key"]))
print("the database under that key:", sorted(stored_session(reply["session_key"])))

# %% [markdown]
# `asave()` wrote what `login()` put in the session: the user's id, the backend that
# authenticated her, and a hash derived from her password (`get_session_auth_hash()`).
#
# The login holds, but only the server knows that key. The login happened after the
# handshake, when the only response that could have carried a `Set-Cookie` (the `101`) was
# long gone, and daphne passes no headers from `websocket.accept` anyway (13 §7 shows it):
# the browser never learns the key. Log users in over HTTP (a form or a fetch), then open
# the socket.
#
# ### `login()` changes the key
#
# Before it writes the user in, `login()` looks at the session it was given. A session that
# holds another user is flushed: emptied, its row deleted, its key dropped (the consumer's save
# then creates a new one). A session without a
# user gets `session.cycle_key()`: a new key, and the old row deleted. A session that already
# holds this user keeps its key. Three cookies try it: the key left by the pitfall (a session
# without a user), and alice's saved key, twice:

# %%
async def log_in_with(key, username):
    """A connection sending the cookie sessionid=key logs username in; the session's key afterwards."""
    async with connect(account, origin=server.origin, additional_headers={"Cookie": f"sessionid={key}"}) as ws:
        return (await request(ws, action="login", username=username, password=USERS[username]))["session_key"]


print(f"{'the cookie names':26}{'login as':10}{'the key':9}{'the old row':13}the new key names")
for key, session, username in [(unsaved["session_key"], "a session without a user", "alice"),
                               (reply["session_key"], "alice's session", "alice"),
                               (reply["session_key"], "alice's session", "bob")]:
    new_key = await log_in_with(key, username)
    print(f"{session:26}{username:10}{'kept' if new_key == key else 'changed':9}"
          f"{'kept' if stored_session(key) is not None else 'deleted':13}{await whoami_with(new_key)}")
print("alice's cookie afterwards:", await whoami_with(reply["session_key"]))

# %% [markdown]
# The first row is `cycle_key()`, the third `flush()`. Either way the key changed and the old
# row is gone, so the cookie the browser holds names no session: logging someone in over a
# socket logged the browser out.
#
# ## `logout()` inside a consumer
#
# `logout()` flushes the session too: its row is deleted. The cookie a browser sends
# afterwards names no session:

# %%
jar = log_in(server.url, "alice", "wonderland")
key = next(cookie.value for cookie in jar if cookie.name == "sessionid")
async with connect(account, origin=server.origin, additional_headers={"Cookie": cookie_header(jar, account)}) as ws:
    print("with alice's cookie:", (await request(ws, action="whoami"))["user"])
    print("logout:", (await request(ws, action="logout"))["user"])
print("same cookie, afterwards:", await whoami_with(key))
print("the database under its key:", stored_session(key))

# %% [markdown]
# New connections with that cookie are anonymous. Connections that are already open are
# another matter; a browser with two tabs shows it.
#
# ## In a real browser
#
# The pages from here on are real Chromium pages, driven through Playwright. They talk to
# WebSockets with a small script, `PAGE_SCRIPT`: `openSocket(name, url)` opens a socket and
# keeps it under a name, `ask(name, message)` sends JSON on it and resolves with the reply, or
# with the close code if the socket is (or gets) closed.

# %%
# %%lesson
PAGE_SCRIPT = """
const sockets = {};
function openSocket(name, url) {
  return new Promise(resolve => {
    const socket = sockets[name] = new WebSocket(url);
    socket.addEventListener("open", () => resolve("open"));
    socket.addEventListener("close", event => { socket.code = event.code; resolve({closed: event.code}); });
  });
}
function ask(name, message) {
  const socket = sockets[name];
  return new Promise(resolve => {
    if (socket.readyState === WebSocket.CLOSED) return resolve({closed: socket.code});
    socket.onmessage = event => resolve(JSON.parse(event.data));
    socket.addEventListener("close", event => resolve({closed: event.code}));
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  });
}
"""

# %% [markdown]
# From Python, three small helpers: put the script on a page, open a socket, send a message.
# `whoami(page, url)` asks a fresh socket who the server saw, then closes it:

# %%
async def page_open(page, name, url):
    if not await page.evaluate("typeof openSocket === 'function'"):
        await page.add_script_tag(content=PAGE_SCRIPT)
    return await page.evaluate("([name, url]) => openSocket(name, url)", [name, url])


async def page_ask(page, name, **message):
    reply = await page.evaluate("([name, message]) => ask(name, message)", [name, message])
    return reply.get("user") or f"closed with {reply['closed']}"


async def whoami(page, url):
    await page_open(page, "probe", url)
    answer = await page_ask(page, "probe", action="whoami")
    await page.evaluate("sockets.probe.close()")
    return answer

# %% [markdown]
# The browser gets a profile of its own in a temporary folder. Its one setting,
# `cookie_controls_mode` 0, allows third-party cookies, so that the only thing deciding
# which cookie goes along is the cookie's own `SameSite` attribute.

# %%
import pathlib
import tempfile

from playwright.async_api import async_playwright

from channels_lab.browser import LAUNCH_ARGS, chromium_path

profile = pathlib.Path(servers.enter_context(tempfile.TemporaryDirectory()))
(profile / "Default").mkdir()
(profile / "Default" / "Preferences").write_text(json.dumps({"profile": {"cookie_controls_mode": 0}}))
playwright = await servers.enter_async_context(async_playwright())
browser = await playwright.chromium.launch_persistent_context(
    profile, executable_path=chromium_path(), args=LAUNCH_ARGS)
print("Chromium is running with the profile preferences", json.loads((profile / "Default" / "Preferences").read_text()))

# %% [markdown]
# Alice logs in through the demo's login form, as she would by hand:

# %%
async def browser_log_in(page, site, username, password):
    await page.goto(site + "/accounts/login/?next=/accounts/login/")  # stay on a page without sockets
    await page.fill("#id_username", username)
    await page.fill("#id_password", password)
    async with page.expect_navigation():
        await page.click("button[type=submit]")


tab = await browser.new_page()
await browser_log_in(tab, server.url, "alice", "wonderland")
for cookie in await browser.cookies():
    print(f"{cookie['name']:10} host {cookie['domain']}  SameSite={cookie['sameSite']}  HttpOnly={cookie['httpOnly']}")

# %% [markdown]
# Django set both cookies with `SameSite=Lax`, its default (`SESSION_COOKIE_SAMESITE`,
# `CSRF_COOKIE_SAMESITE`), for the host `127.0.0.1`: a cookie belongs to a host name, not to
# a port.
#
# ### `localhost` is not `127.0.0.1`
#
# A common surprise: the login happened on `http://127.0.0.1:PORT`, but the page is opened
# as `http://localhost:PORT`, the same server under another name:

# %%
other_name = await browser.new_page()
await other_name.goto(server.url.replace("127.0.0.1", "localhost") + "/accounts/login/")
print("page on 127.0.0.1, socket to 127.0.0.1:", await whoami(tab, server.ws_url("/ws/account/")))
print("page on localhost, socket to localhost:", await whoami(other_name, server.ws_url("/ws/account/").replace("127.0.0.1", "localhost")))
await other_name.close()

# %% [markdown]
# Chromium holds alice's cookies for `127.0.0.1` only, so on `localhost` she was anonymous.
# Serve the page and the WebSocket from the same host name. In production, also check
# `SESSION_COOKIE_DOMAIN`, and `SESSION_COOKIE_SECURE` together with `wss://`.
#
# ### Two tabs, one logout
#
# Alice has the site open in two tabs; each opened an account socket. She logs out in the
# second tab:

# %%
async def two_tabs_one_logout():
    first, second = await browser.new_page(), await browser.new_page()
    for page in (first, second):
        await page.goto(server.url + "/accounts/login/")
        await page_open(page, "account", server.ws_url("/ws/account/"))
    print("first tab: ", await page_ask(first, "account", action="whoami"))
    print("second tab logs out:", await page_ask(second, "account", action="logout"))
    print("first tab, same socket:", await page_ask(first, "account", action="whoami"))
    print("first tab, new socket: ", await whoami(first, server.ws_url("/ws/account/")))
    for page in (first, second):
        await page.close()


await two_tabs_one_logout()

# %% [markdown]
# The first tab's open socket still acts as alice after she logged out. `AuthMiddleware`
# resolved `scope["user"]` once, at the handshake (`resolve_scope`, printed above), and
# nothing reads the session again; only a new socket sees the logout.
#
# The fix: every socket of a user joins a group named after the user, and a logout tells
# that group to close. This is `AccountConsumer` again; the additions are marked `# new`.
# Re-running the cell replaces the class in the module `lesson`, and daphne serves it to the
# next connection:

# %%
# %%lesson
class AccountConsumer(AsyncJsonWebsocketConsumer):
    """{"action": "whoami" | "login" | "logout", ...}; a logout closes all of the user's sockets."""

    async def connect(self):  # new: each socket of a user is in the group "user.<id>"
        await self.accept()
        await self.join_user_group()

    async def join_user_group(self):  # new
        if self.scope["user"].is_authenticated:
            await self.channel_layer.group_add(f"user.{self.scope['user'].pk}", self.channel_name)

    async def receive_json(self, content, **kwargs):
        reply = {}
        if content.get("action") == "login":
            user = await database_sync_to_async(authenticate)(
                username=content.get("username"), password=content.get("password"))
            if user is None:
                await self.send_json({"error": "wrong username or password"})
                return
            await self.log_user_in(user)
            reply = {"session_key": self.scope["session"].session_key}
        elif content.get("action") == "logout":
            if self.scope["user"].is_authenticated:  # new: tell every socket of this user
                await self.channel_layer.group_send(f"user.{self.scope['user'].pk}", {"type": "account.logout"})
            await logout(self.scope)
        await self.send_json({"user": self.who(), **reply})

    async def log_user_in(self, user):
        await login(self.scope, user)
        await self.scope["session"].asave()
        await self.join_user_group()  # new

    async def account_logout(self, event):  # new: the user logged out somewhere
        await self.close(code=4401)

    def who(self):
        user = self.scope["user"]
        return user.get_username() if user.is_authenticated else "anonymous"


# %% [markdown]
# Alice logs in again (her last logout deleted her session), and the two tabs play out the
# same scene:

# %%
await browser_log_in(tab, server.url, "alice", "wonderland")
await two_tabs_one_logout()

# %% [markdown]
# This time the first tab's socket was closed with 4401 as soon as she logged out in the
# second: the logout reached her other sockets through the channel layer, as group messages
# did in notebook 07. A logout over HTTP (Django's `LogoutView`) should send the same group
# event, for example from a receiver of Django's `user_logged_out` signal.

# %% [markdown]
# ### Two processes, one logout
#
# Both tabs were served by one daphne, and its channel layer, the in-memory one, lives inside
# that process (`InMemoryChannelLayer` in `channels/layers.py`). A site run by several daphne
# processes has a user's sockets spread over them. A second daphne on the same database, with
# an in-memory layer of its own (this section's servers go on a stack closed at its end):

# %%
section = contextlib.ExitStack()
second = section.enter_context(run_daphne("lesson:application", env={"DEMO_DATABASE": database}))
print("a second daphne at", second.url, "with the in-memory layer")

# %% [markdown]
# alice opens a socket on each server and logs out on the first. `logout_across` then waits
# up to 0.5 s for the other socket to be closed, and if it is still open asks who it is:

# %%
import asyncio


async def logout_across(first, second):
    cookie = {"Cookie": cookie_header(log_in(first.url, "alice", "wonderland"), first.ws_url("/"))}
    async with connect(first.ws_url("/ws/account/"), origin=first.origin, additional_headers=cookie) as here, \
            connect(second.ws_url("/ws/account/"), origin=second.origin, additional_headers=cookie) as there:
        print("on the second server:", (await request(there, action="whoami"))["user"])
        print("logout on the first: ", (await request(here, action="logout"))["user"])
        try:
            await asyncio.wait_for(there.wait_closed(), timeout=0.5)
            print("the second server's socket: closed with", there.close_code)
        except TimeoutError:
            print("the second server's socket, 0.5 s later: open, as", (await request(there, action="whoami"))["user"])


await logout_across(server, second)

# %% [markdown]
# The group message reached only the first process's sockets: on the second, alice's socket
# still acts as her. The processes need a channel layer they share. A Redis server, and two
# daphnes using it (the demo's settings use channels-redis when `REDIS_URL` is set):

# %%
from channels_lab.servers import run_redis

redis = section.enter_context(run_redis())
on_redis = [section.enter_context(run_daphne("lesson:application", env={"DEMO_DATABASE": database, "REDIS_URL": redis.url}))
            for _ in range(2)]
print("two daphnes sharing the layer at", redis.url)

# %%
await logout_across(*on_redis)

# %% [markdown]
# This time the second server closed alice's socket with 4401: the group `user.<id>` and the
# messages sent to it are kept in Redis, where both processes find them (`group_add` and
# `group_send` in `channels_redis/core.py`). Run several daphnes only with a shared layer.

# %%
for each in (second, *on_redis):
    each.process.terminate()  # all three stop at once; closing the stack waits for each
section.close()
print("this section's servers stopped:", all(each.process.poll() is not None for each in (second, redis, *on_redis)))

# %% [markdown]
# ## Cross-site WebSocket hijacking
#
# A WebSocket is not bound by the same-origin policy: a script on any page may open
# `ws://127.0.0.1:PORT/...`. The question is which cookies the browser attaches, and whether
# the server looks at the `Origin` header, which names the page that opened the socket.
#
# The attacker's site is a second daphne serving one page, `EVIL_PAGE`, which carries the
# page script:

# %%
# %%lesson
EVIL_PAGE = "<!doctype html><title>You won a prize</title><script>" + PAGE_SCRIPT + "</script>"


async def evil_site(scope, receive, send):
    """Every HTTP request gets EVIL_PAGE."""
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
    await send({"type": "http.response.body", "body": EVIL_PAGE.encode()})


# %% [markdown]
# It is served on its own port. Chromium reaches it under two names: `127.0.0.1`, which makes
# it the **same site** as alice's (a site is the scheme plus the registrable domain, here the
# host `127.0.0.1`; ports do not count) but
# another **origin**; and `evil.localhost`, which Chromium resolves to the loopback address
# by itself, another site altogether.

# %%
evil = servers.enter_context(run_daphne("lesson:evil_site"))
pages = {
    "alice's own page": tab,
    "same site, other port": await browser.new_page(),
    "another site": await browser.new_page(),
}
await pages["same site, other port"].goto(evil.url + "/")
await pages["another site"].goto(evil.url.replace("127.0.0.1", "evil.localhost") + "/")
await tab.goto(server.url + "/accounts/login/")
for name, page in pages.items():
    print(f"{name:22} origin {await page.evaluate('location.origin')}")

# %% [markdown]
# Alice logs in once more, and each page opens a socket to the three versions of the account
# route: no origin check, `AllowedHostsOriginValidator` (the demo's), and `OriginValidator`
# with this site's origins:

# %%
CHECKS = {"no check": "/unguarded", "AllowedHosts": "", "OriginValidator": "/pinned"}


async def hijack_table():
    print(f"{'page':22}" + "".join(f"{check:18}" for check in CHECKS))
    for name, page in pages.items():
        row = [await whoami(page, server.ws_url(prefix + "/ws/account/")) for prefix in CHECKS.values()]
        print(f"{name:22}" + "".join(f"{cell:18}" for cell in row))


await browser_log_in(tab, server.url, "alice", "wonderland")
await hijack_table()

# %% [markdown]
# Read it by row:
#
# - **Another site** got `anonymous` even with no check at all: Chromium did not attach the
#   `SameSite=Lax` cookie to a WebSocket opened by a cross-site page. The two checks refused
#   the handshake (the browser sees 1006), since `evil.localhost` is not in `ALLOWED_HOSTS`.
# - **Same site, other port** is a real attack: SameSite does not look at ports, so the cookie
#   went along and the unguarded route answered `alice`. `AllowedHostsOriginValidator` let it
#   through as well: it compares host names only (`channels/security/websocket.py`, a pattern
#   without a scheme goes to `is_same_domain`), and `127.0.0.1` is an allowed host.
#   Only `OriginValidator` with the full origins refused it. By the same definition of a
#   site (scheme plus registrable domain), a page on `blog.example.com` is same-site with
#   `chat.example.com`: anything else running on your host or your domain can do this.
#
# ### A `SameSite=None` cookie
#
# Some sites set `SESSION_COOKIE_SAMESITE = "None"`, for example so that their pages work
# inside other sites' frames. A settings module of the lesson does that, with
# `SESSION_COOKIE_SECURE` as well (a `Secure` cookie), and a second daphne of alice's site
# uses it:

# %%
# %%lesson lesson_settings
from demo_project.settings import *  # noqa: F403

SESSION_COOKIE_SAMESITE = "None"
SESSION_COOKIE_SECURE = True

# %% [markdown]
# The lesson's settings take everything from the demo's and change two cookie settings. A
# second daphne serves the same lesson with them (`DJANGO_SETTINGS_MODULE=lesson_settings`),
# and alice logs in there:

# %%
lax_free = servers.enter_context(run_daphne(
    "lesson:application", env={"DEMO_DATABASE": database, "DJANGO_SETTINGS_MODULE": "lesson_settings"}))
await browser_log_in(tab, lax_free.url, "alice", "wonderland")
sessionid = next(cookie for cookie in await browser.cookies() if cookie["name"] == "sessionid")
print(f"sessionid: SameSite={sessionid['sameSite']} Secure={sessionid['secure']}")

# %% [markdown]
# Alice logged in on that server. Cookies ignore ports, so her new `sessionid` replaced the
# old one for `127.0.0.1` (both servers share the database). Back on her page of the first
# server, every page tries again:

# %%
await tab.goto(server.url + "/accounts/login/")
await hijack_table()

# %% [markdown]
# Now **another site** got `alice` on the unguarded route: with `SameSite=None`, nothing in
# the browser held the cookie back, and Chromium sent the `Secure` cookie to `127.0.0.1` over
# plain `ws://`, which it allows for the loopback address. Both origin checks refused it.
# An origin check does not replace authentication, and authentication does not replace an
# origin check: keep both, and list your exact origins (scheme, host and port) when other
# services share your host or your domain.

# %%
await browser.close()
for each in (server, evil, lax_free):
    each.process.terminate()  # all three stop at once; closing the stack waits for each
await servers.aclose()
print("all daphnes stopped:", all(each.process.poll() is not None for each in (server, evil, lax_free)),
      "| database removed:", not os.path.exists(database))

# %% [markdown]
# ## How `OriginValidator` matches
#
# Its patterns are compared with the `Origin` header's scheme, host and port
# (`match_allowed_origin` in `channels/security/websocket.py`). In-process, some patterns
# against some origins:

# %%
from channels.generic.websocket import WebsocketConsumer
from channels.security.websocket import OriginValidator
from channels.testing import WebsocketCommunicator

PATTERNS = ["https://chat.example.com", "http://chat.example.com:8000", "chat.example.com", "https://.example.org"]
ORIGINS = ["https://chat.example.com", "https://chat.example.com:8443", "http://chat.example.com:8000",
           "http://chat.example.com", "https://app.example.org", "https://example.org"]


async def accepts(pattern, origin):
    client = WebsocketCommunicator(OriginValidator(WebsocketConsumer.as_asgi(), [pattern]), "/",
                                   headers=[(b"origin", origin.encode())])
    accepted, _ = await client.connect()
    if accepted:
        await client.disconnect()
    return accepted


print(f"{'origin':31}" + "".join(f"{pattern:30}" for pattern in PATTERNS))
for origin in ORIGINS:
    row = ["yes" if await accepts(pattern, origin) else "-" for pattern in PATTERNS]
    print(f"{origin:31}" + "".join(f"{cell:30}" for cell in row))

# %% [markdown]
# - With a scheme, everything must match, and a pattern without a port means the default
#   port: `https://chat.example.com` took only port 443, not 8443 (`get_origin_port`: 80 for
#   `http`/`ws`, 443 for `https`/`wss`).
# - Without a scheme (`chat.example.com`), only the host is compared: every scheme and every
#   port passed. That is what `AllowedHostsOriginValidator` does with `ALLOWED_HOSTS`.
# - A leading dot (`.example.org`) allows the domain and all its subdomains.

# %% [markdown]
# ## Exercises
#
# **ex17 · Members only, with a clear code.** In `exercises/ex17_members_only.py`, write
# `MembersOnlyConsumer.connect`. Greet a logged-in user with `"hello, <username>"`. Accept
# anyone else, then close the connection with 4401; a message saying why may come first, as
# the demo's room does.

# %%
check("ex17")

# %% [markdown]
# **ex18 · Protect an application.** In `exercises/ex18_protect.py`, write `protect(inner)`.
# It must refuse pages whose host is not in `settings.ALLOWED_HOSTS` (on any port) and
# connections without an origin, and give `inner` the session's user in `scope["user"]`. This
# is the demo's check; the table above showed what it still lets through. The tests log a user
# in for real and connect from several ports.

# %%
check("ex18")
