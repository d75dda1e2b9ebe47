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
# is. This notebook logs a real user in, follows the cookie into a consumer, and shows when
# the user turns into `AnonymousUser`. It then refuses anonymous users with a close code the
# page can read. Last, it shows how a foreign web page can borrow a logged-in user's cookie
# (cross-site WebSocket hijacking), and how an origin check stops that.
#
# The notebook needs users, so it creates a throw-away SQLite database (the demo's settings
# read its path from `DEMO_DATABASE`), migrates it, and adds the user `alice`. daphne
# serves the demo, plus a few lesson routes, from `lessons.nb09_account`.

# %%
import contextlib
import json
import os

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab import check, run_daphne, setup_django

setup_django()

from lessons.nb09_accounts import cookie_header, log_in, temporary_database

servers = contextlib.ExitStack()
database = servers.enter_context(temporary_database({"alice": "wonderland"}))
server = servers.enter_context(run_daphne("lessons.nb09_account:application", env={"DEMO_DATABASE": database}))
print("daphne at", server.url, "with a fresh database holding user alice")

# %% [markdown]
# ## The shortest example: the session cookie goes along
#
# `log_in()` does what a browser does on the demo's `/accounts/login/` page, which is Django's
# own `LoginView`. It fetches the form, posts it with the CSRF token, and keeps the cookies in
# a cookie jar. We then open the demo's members-only room and send the `Cookie` header the
# browser would send.

# %%
jar = log_in(server.url, "alice", "wonderland")
print("cookies the browser now holds:", sorted(cookie.name for cookie in jar))

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
# The demo's `asgi.py` wraps the WebSocket routes in `AuthMiddlewareStack`. That is three
# middlewares nested inside each other:

# %%
import inspect

from channels.auth import AuthMiddleware, AuthMiddlewareStack

print(inspect.getsource(AuthMiddlewareStack))
print(inspect.getsource(AuthMiddleware.__call__))

# %% [markdown]
# `CookieMiddleware` parses the `Cookie` header into `scope["cookies"]`. `SessionMiddleware`
# loads the session named by `sessionid` into `scope["session"]`. `AuthMiddleware` then puts
# the session's user (or `AnonymousUser`) in `scope["user"]` **before** the consumer runs.
#
# The origin article prints an `AuthMiddleware` with `populate_scope` and `resolve_scope` but
# no `__call__`, and defines `AuthMiddlewareStack` as a `lambda`. That code is from Channels 2,
# when an ASGI application was built in two steps, first with `scope` and then with
# `receive, send`. Channels 3 and 4 use single-call ASGI 3 applications. The `__call__`
# printed above copies the scope (`dict(scope)`), fills it in, awaits the database lookup of
# the user, and only then calls the inner application. A consumer can read
# `self.scope["user"]` in `connect()` without awaiting anything.

# %% [markdown]
# ## Anonymous: no cookie, or the wrong host
#
# Without the cookie, the same room gets an `AnonymousUser`. The demo's `MembersRoomConsumer`
# accepts the connection, says why, and closes it with the application close code **4401**
# (4000–4999 are free for applications).

# %%
async with connect(room, origin=server.origin) as ws:
    print("the room says:", json.loads(await ws.recv()))
    try:
        await ws.recv()
    except ConnectionClosed as closed:
        print("closed with code", closed.rcvd.code)

# %% [markdown]
# A common surprise: the page was opened as `http://localhost:PORT` but the login happened
# on `http://127.0.0.1:PORT`, or the other way round. Cookies belong to a host name, and
# `localhost` and `127.0.0.1` are different names, even though they reach the same server.
# The browser sends nothing:

# %%
same_server_other_name = room.replace("127.0.0.1", "localhost")
print("Cookie header for 127.0.0.1:", "sessionid=" in cookie_header(jar, room))
print("Cookie header for localhost:", repr(cookie_header(jar, same_server_other_name)))

async with connect(same_server_other_name, origin=server.origin.replace("127.0.0.1", "localhost"),
                   additional_headers={"Cookie": cookie_header(jar, same_server_other_name)}) as ws:
    print("via localhost the room says:", json.loads(await ws.recv()))

# %% [markdown]
# The cookie jar has no cookie for `localhost`, so the user was anonymous there. Serve the
# page and the WebSocket from the same host name. In production, also check the cookie's
# `SESSION_COOKIE_DOMAIN`, and `SESSION_COOKIE_SECURE` together with `wss://`.

# %% [markdown]
# ## Refuse with a code the page can read
#
# A consumer could also refuse by calling `close()` in `connect()` **before** `accept()`.
# There is no WebSocket yet at that point, so daphne can only answer the handshake with
# HTTP 403. Whatever code you passed is lost, and the browser reports a generic failure
# (close code 1006). The lesson route `/ws/refuse-early/` does that with `close(code=4401)`:

# %%
try:
    async with connect(server.ws_url("/ws/refuse-early/"), origin=server.origin):
        pass
except InvalidStatus as refused:
    print("handshake refused with HTTP", refused.response.status_code)

# %% [markdown]
# Only a 403 arrived, without the 4401. That is why the demo's room accepts first and then
# closes with 4401, and sends one JSON error before closing. The chat page can then show
# "log in to join this room" instead of "connection failed".

# %% [markdown]
# ## `login()` and `logout()` inside a consumer
#
# `channels.auth.login(scope, user)` and `logout(scope)` are the WebSocket versions of
# Django's. `login()` puts the user into the scope and the session. The session is only
# written to the database when you call `scope["session"].save()`, which is synchronous, so
# wrap it in `database_sync_to_async`. The lesson's `AccountConsumer` does both:

# %%
account = server.ws_url("/ws/account/")


async def ask(ws, **message):
    await ws.send(json.dumps(message))
    return json.loads(await ws.recv())


async with connect(account, origin=server.origin) as ws:
    print("whoami:", await ask(ws, action="whoami"))
    print("login: ", await ask(ws, action="login", username="alice", password="wonderland"))
    print("whoami:", await ask(ws, action="whoami"))
async with connect(account, origin=server.origin) as ws:
    print("a new connection, same client:", await ask(ws, action="whoami"))

# %% [markdown]
# The login held for that one connection only. The saved session's key would have to reach
# the browser as a cookie, and a WebSocket cannot set cookies. Log users in over HTTP (a form
# or a fetch), then open the WebSocket.
#
# `logout()` is different: it flushes the session in the database. The browser still sends
# the same cookie afterwards, but it no longer names a user, on any connection:

# %%
cookie = {"Cookie": cookie_header(jar, account)}
async with connect(account, origin=server.origin, additional_headers=cookie) as ws:
    print("with alice's cookie:", await ask(ws, action="whoami"))
    print("logout:", await ask(ws, action="logout"))
async with connect(account, origin=server.origin, additional_headers=cookie) as ws:
    print("same cookie, afterwards:", await ask(ws, action="whoami"))

# %% [markdown]
# ## Cross-site WebSocket hijacking, and the origin check
#
# Browsers do not apply the same-origin policy to WebSockets. A script on `http://evil.example`
# can open `ws://127.0.0.1:PORT/...`, and the browser attaches **alice's cookies for
# 127.0.0.1**. If she is logged in and visits that page, the attacker's script talks to the
# chat as alice. The only trace the browser leaves is the `Origin` header, which names the
# page that opened the socket and which a script cannot change.
#
# The lesson's `/unguarded/` routes have `AuthMiddlewareStack` but no origin check. This is
# the attack, with alice's cookie and the attacker's origin:

# %%
unguarded = server.ws_url("/unguarded/ws/members/lobby/")
jar = log_in(server.url, "alice", "wonderland")  # alice logs in again (the last cell logged her out)
hijacked = {"Cookie": cookie_header(jar, unguarded)}

async with connect(unguarded, origin="http://evil.example", additional_headers=hijacked) as ws:
    await ws.send(json.dumps({"message": "sent by evil.example"}))
    print("unguarded route:", json.loads(await ws.recv()))

# %% [markdown]
# The page at `evil.example` posted into the members' room as alice. The demo's real routes are
# wrapped in `AllowedHostsOriginValidator`. It refuses any `Origin` whose host is not in
# `settings.ALLOWED_HOSTS` (here `127.0.0.1` and `localhost`), and it refuses a missing
# `Origin` unless `ALLOWED_HOSTS` contains `"*"`:

# %%
for origin in ["http://evil.example", None, server.origin]:
    try:
        async with connect(room, origin=origin, additional_headers=hijacked) as ws:
            await ws.send(json.dumps({"message": "hello"}))
            print(f"Origin {origin!r}: accepted, the room says", json.loads(await ws.recv())["user"])
    except InvalidStatus as refused:
        print(f"Origin {origin!r}: refused with HTTP {refused.response.status_code}")

# %% [markdown]
# With the same cookie, only the site's own origin got in. The check happens during the
# handshake, before any consumer code runs.
#
# `OriginValidator(app, [...])` takes an explicit list instead of `ALLOWED_HOSTS`. Use it when
# the pages live on another host than the WebSocket server, for example a front end on
# `https://chat.example.com`. A pattern names a scheme and host, optionally a port, and a
# leading dot allows subdomains. In-process:

# %%
from channels.generic.websocket import WebsocketConsumer
from channels.security.websocket import OriginValidator
from channels.testing import WebsocketCommunicator

validated = OriginValidator(WebsocketConsumer.as_asgi(), ["https://chat.example.com", "https://.example.org"])
for origin in ["https://chat.example.com", "https://app.example.org", "http://chat.example.com", "https://evil.example"]:
    client = WebsocketCommunicator(validated, "/", headers=[(b"origin", origin.encode())])
    accepted, _ = await client.connect()
    print(f"{origin:28} accepted: {accepted}")
    if accepted:
        await client.disconnect()

# %% [markdown]
# The scheme matters too: `http://chat.example.com` was refused because the list says `https`.
# An origin check does not replace authentication, and authentication does not replace an
# origin check. The demo uses both.

# %%
servers.close()
print("daphne stopped:", server.process.poll() is not None, "| database removed:", not os.path.exists(database))

# %% [markdown]
# ## Exercises
#
# **ex17 · Members only, with a clear code.** In `exercises/ex17_members_only.py`, write
# `MembersOnlyConsumer.connect`. Greet a logged-in user with `"hello, <username>"`. Accept
# anyone else, then close the connection with 4401.

# %%
check("ex17")

# %% [markdown]
# **ex18 · Protect an application.** In `exercises/ex18_protect.py`, write `protect(inner)`.
# It must refuse foreign and missing origins, and give `inner` the session's user in
# `scope["user"]`.

# %%
check("ex18")
