# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 11 · How do I test consumers?
#
# A consumer is an ASGI application, so a test can run it without any server:
# Channels' `WebsocketCommunicator` plays the client inside the test's event loop. This
# notebook uses it in depth (and shows what its timeouts do to the consumer), runs a real
# pytest file, tests a consumer that writes to the database without leaking rows, and ends
# with end-to-end tests against a real daphne, from the `websockets` client and from Chromium.
#
# The database for this notebook is a throw-away SQLite file, removed in the last cell
# before the exercises.

# %%
import tempfile
from pathlib import Path

from channels_lab import check, run_daphne, setup_django

workdir = Path(tempfile.mkdtemp(prefix="nb11-"))
setup_django(DEMO_DATABASE=str(workdir / "db.sqlite3"))

from channels.testing import WebsocketCommunicator

from chat.consumers import ChatConsumer, CommandConsumer
from lessons import nb11_consumers

print("database in a temporary directory:", str(workdir).startswith(tempfile.gettempdir()))

# %% [markdown]
# Django is configured with the demo project, and its database is a file in a fresh
# temporary directory rather than the demo's `db.sqlite3`.

# %% [markdown]
# ## The shortest consumer test
#
# A test is an `async def` function: connect, send, receive, assert, disconnect.

# %%
async def test_echo():
    communicator = WebsocketCommunicator(ChatConsumer.as_asgi(), "/ws/echo/")
    connected, subprotocol = await communicator.connect()
    assert connected
    await communicator.send_to(text_data="hello")
    assert await communicator.receive_from() == "hello"
    await communicator.disconnect()


await test_echo()
print("test_echo passed")

# %% [markdown]
# No server, no socket: `WebsocketCommunicator(application, path)` built an ASGI `scope`,
# started the application as a task in this event loop, and exchanged ASGI messages with it.

# %% [markdown]
# ## What the communicator does
#
# Each method is one ASGI message in or out:
#
# | call | sends to the consumer | waits for |
# |---|---|---|
# | `connect(timeout=1)` | `websocket.connect` | `websocket.accept` → `(True, subprotocol)`, or `websocket.close` → `(False, code)` |
# | `send_to(text_data=...)` / `send_to(bytes_data=...)` | `websocket.receive` | nothing |
# | `send_json_to(data)` | `websocket.receive` with `json.dumps(data)` | nothing |
# | `receive_from(timeout=1)` | | one `websocket.send`: its text or bytes |
# | `receive_json_from(timeout=1)` | | one text `websocket.send`, decoded as JSON |
# | `receive_nothing(timeout=0.1)` | | nothing, for `timeout` seconds: `True` if nothing came |
# | `disconnect(code=1000, timeout=1)` | `websocket.disconnect` | the application to finish |
#
# The scope is what routing and middleware read. The demo's whole application checks the
# `Origin` header, so a test of it must send one, as a browser would:

# %%
from demo_project.asgi import application

refused = WebsocketCommunicator(application, "/ws/commands/")
print("no Origin header:", await refused.connect())

allowed = WebsocketCommunicator(application, "/ws/commands/", headers=[(b"origin", b"http://127.0.0.1")])
print("with Origin:     ", await allowed.connect())
print("scope path:", allowed.scope["path"], "| headers:", allowed.scope["headers"])
await allowed.send_json_to({"action": "add", "numbers": [2, 3]})
print("reply:", await allowed.receive_json_from())
await allowed.disconnect()

# %% [markdown]
# Without an `Origin` the validator refused before the consumer ran, and `connect()` returned
# `(False, 1000)` instead of raising; with the header the whole stack (origin check,
# sessions, routing) ran in-process. Test the consumer class alone for its logic, and the
# whole application for routing and middleware.

# %% [markdown]
# Text and bytes are separate arguments, and the communicator checks them before sending.
# One surprise: an empty string counts as "no text".

# %%
echo = WebsocketCommunicator(ChatConsumer.as_asgi(), "/ws/echo/")
await echo.connect()
await echo.send_to(bytes_data=b"\x00\x01")
print("bytes back:", await echo.receive_from())
try:
    await echo.send_to(text_data="")
except AssertionError as error:
    print("send_to(text_data=''):", error)
await echo.disconnect()

# %% [markdown]
# `receive_from()` returns `bytes` for a binary frame and `str` for a text one. The empty text
# message is legal on the wire, but `send_to` asserts that exactly one argument is truthy, so
# it cannot send it; to test that case, use `send_input({"type": "websocket.receive", "text": ""})`.

# %% [markdown]
# ## `receive_nothing()` only watches a short window
#
# `receive_nothing()` returns `True` when no message arrived within `timeout` (0.1 s by
# default). `LateReplyConsumer` answers 0.3 s after each message:

# %%
late = WebsocketCommunicator(nb11_consumers.LateReplyConsumer.as_asgi(), "/ws/late/")
await late.connect()
await late.send_to(text_data="are you there?")
print("receive_nothing():", await late.receive_nothing())
print("but then:", await late.receive_from())
await late.disconnect()

# %% [markdown]
# `receive_nothing()` said "nothing" and the reply came anyway. It proves only that nothing
# came *within its window*. A slow reply that a test does not read is still queued, and the
# next `receive_from()` in that test gets it instead of what it expected. Give
# `receive_nothing(timeout=...)` a window longer than the slowest path you mean to rule out.

# %% [markdown]
# ## What a timeout does to the application
#
# When `receive_from()` times out, the communicator does more than raise `TimeoutError`: it
# **cancels the application task**. `LobbyConsumer` joins group `lobby` on connect, leaves it
# in `disconnect()`, never replies, and notes what ran in `nb11_consumers.EVENTS`.

# %%
from channels.layers import get_channel_layer

layer = get_channel_layer()
lobby = WebsocketCommunicator(nb11_consumers.LobbyConsumer.as_asgi(), "/ws/lobby/")
await lobby.connect()
try:
    await lobby.receive_from(timeout=0.2)
except TimeoutError:
    print("receive_from(timeout=0.2) raised TimeoutError")
print("consumer task cancelled:", lobby.future.cancelled())
print("handlers that ran:", nb11_consumers.EVENTS)
print("channels still in group lobby:", len(layer.groups.get("lobby", {})))

# %% [markdown]
# The consumer was cancelled in the middle of waiting: `disconnect()` never ran, so its
# channel is still in group `lobby` (the in-memory layer forgets it only after the group
# expiry, a day by default). From now on, this communicator is dead:

# %%
import asyncio

for attempt in (lobby.send_to(text_data="still there?"), lobby.disconnect()):
    try:
        await attempt
    except asyncio.CancelledError:
        print("CancelledError")

# %% [markdown]
# Both calls raise `asyncio.CancelledError`, which is not an `Exception`: a fixture that
# disconnects in its teardown after a timed-out test adds a second, confusing error. So a
# timeout in a test means "the consumer did not answer in time", and the test is over. To
# check that a consumer says nothing, use `receive_nothing()`, which cancels nothing. The
# normal ending runs `disconnect()`:

# %%
nb11_consumers.EVENTS.clear()
layer.groups.clear()
lobby = WebsocketCommunicator(nb11_consumers.LobbyConsumer.as_asgi(), "/ws/lobby/")
await lobby.connect()
print("nothing said:", await lobby.receive_nothing())
await lobby.disconnect(code=1001)
print("handlers that ran:", nb11_consumers.EVENTS)
print("channels still in group lobby:", len(layer.groups.get("lobby", {})))

# %% [markdown]
# `disconnect(code=1001)` delivered `websocket.disconnect`, the consumer left its group, and
# the group is gone.

# %% [markdown]
# ## When the consumer crashes
#
# `CalculatorConsumer` divides without checking for zero. The exception is raised in the
# consumer's task; the communicator re-raises it at the next call that waits for the task:

# %%
calculator = WebsocketCommunicator(nb11_consumers.CalculatorConsumer.as_asgi(), "/ws/calc/")
await calculator.connect()
await calculator.send_json_to({"divide": [1, 0]})
try:
    await calculator.receive_json_from()
except ZeroDivisionError as error:
    print("receive_json_from() raised the consumer's own error:", repr(error))

# %% [markdown]
# The test sees the consumer's own traceback, not a timeout: the communicator checks whether
# the task ended before (and after) waiting for output.

# %% [markdown]
# ## The same tests, in a pytest file
#
# In a project these tests live in a file that pytest runs. `lessons/nb11_test_consumers.py`
# is one: pytest-asyncio runs each `async def` test in its own event loop (the repository sets
# `asyncio_mode = "auto"`, so no marker is needed), and an `async` fixture with `yield` hands
# each test a connected communicator and disconnects it afterwards.

# %%
from IPython.display import Code

TEST_FILE = Path(nb11_consumers.__file__).with_name("nb11_test_consumers.py")
source = TEST_FILE.read_text()


def part(name):
    """The lines of the test file between '# ---- part: name ----' and the next part."""
    return source.split(f"# ---- part: {name} ----\n")[1].split("# ---- part:")[0].strip()


Code(part("communicator"), language="python")

# %% [markdown]
# The fixture's code after `yield` runs when the test ends, passed or failed. The file's
# other parts test the database; we come back to them below.

# %% [markdown]
# ## A consumer that uses the database
#
# `SignupConsumer` creates a user for `{"register": "alice"}`. First, tables in our temporary
# database. Jupyter runs cells inside an event loop, so even here the ORM must be called
# through a thread: `database_sync_to_async` (Channels' `sync_to_async` that also closes stale
# connections).

# %%
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.core.management import call_command

await database_sync_to_async(call_command)("migrate", verbosity=0)
print("users:", await database_sync_to_async(User.objects.count)())

# %% [markdown]
# The first pitfall: calling the synchronous ORM from async code. `UnsafeSignupConsumer` does,
# and Django refuses before it touches the database:

# %%
unsafe = WebsocketCommunicator(nb11_consumers.UnsafeSignupConsumer.as_asgi(), "/ws/signup/")
await unsafe.connect()
await unsafe.send_json_to({"register": "alice"})
try:
    await unsafe.receive_json_from()
except Exception as error:
    print(f"{type(error).__name__}: {error}")

# %% [markdown]
# `SynchronousOnlyOperation`: a blocking query would freeze every connection served by the
# event loop. `SignupConsumer` wraps the same function in `database_sync_to_async`:

# %%
async def signup(name):
    communicator = WebsocketCommunicator(nb11_consumers.SignupConsumer.as_asgi(), "/ws/signup/")
    await communicator.connect()
    await communicator.send_json_to({"register": name})
    reply = await communicator.receive_json_from()
    await communicator.disconnect()
    return reply


print(await signup("alice"))
print("alice in the database:", await User.objects.filter(username="alice").aexists())

# %% [markdown]
# The reply came and the row exists. A test can query with Django's async ORM methods
# (`aexists()`, `acount()`, `adelete()`, ...), which run the query in a thread for you.

# %% [markdown]
# ## Leaked rows
#
# Nothing undoes what a test writes. Run the same test twice:

# %%
async def test_bob_registers():
    reply = await signup("bob")
    assert reply == {"registered": "bob"}, f"got {reply}"


for run in (1, 2):
    try:
        await test_bob_registers()
        print(f"run {run}: passed")
    except AssertionError as error:
        print(f"run {run}: failed: {error}")

# %% [markdown]
# The second run failed because the first one's `bob` was still there: tests that pass alone
# and fail together, depending on order. The fix is a fixture that removes what the test
# created, after the test, whether it passed or not:

# %%
import contextlib


@contextlib.asynccontextmanager
async def no_users_left():
    try:
        yield
    finally:
        await User.objects.all().adelete()


await User.objects.all().adelete()
for run in (1, 2):
    async with no_users_left():
        await test_bob_registers()
        print(f"run {run}: passed")
print("users left:", await User.objects.acount())

# %% [markdown]
# Why not wrap each test in a transaction and roll it back, as Django's `TestCase` does?
# Django keeps one connection per thread, and the consumer's queries do not run on the
# test's thread:

# %%
import threading

print("the ORM ran on this cell's thread:",
      await database_sync_to_async(threading.get_ident)() == threading.get_ident())

# %% [markdown]
# A transaction opened on the test's connection would not contain the consumer's writes, so
# this notebook deletes what a test created instead (a fresh database per test works too).
# In the pytest file the same idea is a fixture, and a session fixture creates and removes
# the temporary database:

# %%
Code(part("database"), language="python")

# %% [markdown]
# ## "Database queries are not allowed"
#
# Django's `SimpleTestCase` (for tests that need no database) blocks every query, and the
# consumer's query is no exception. The file's last part is such a test:

# %%
Code(part("simple-test-case"), language="python")

# %% [markdown]
# Now pytest runs the whole file, in a subprocess, as you would from a terminal:

# %%
import re
import subprocess
import sys

from channels_lab import REPO_ROOT

result = subprocess.run(
    [sys.executable, "-m", "pytest", str(TEST_FILE), "-v", "--color=no",
     "-o", "addopts=", "-p", "no:cacheprovider", "-p", "no:nbval"],
    cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
)
for line in result.stdout.splitlines():
    if outcome := re.search(r"::(\S+(?: \S+\])?) (PASSED|FAILED)", line):
        print(f"{outcome[2]:6} {outcome[1]}")
print(next(line for line in result.stdout.splitlines() if line.startswith("E   django")).split(". Either")[0][4:])

# %% [markdown]
# Every test passed but the `SimpleTestCase` one, which failed with Django's
# `DatabaseOperationForbidden`, raised inside the consumer. Its message suggests the fixes:
# subclass `TransactionTestCase` (Django empties the tables after each test), or list the
# database in the class's `databases`. The test file's temporary database is gone with its
# session.

# %% [markdown]
# ## End to end: a real daphne
#
# In-process tests skip the server. To test what only a real server does (the handshake,
# daphne's limits, several processes sharing a database), serve the application with
# `run_daphne` and talk to it with the `websockets` client. The daphne process opens the same
# SQLite file as this notebook:

# %%
import json

from websockets.asyncio.client import connect

with run_daphne("lessons.nb11_consumers:application", env={"DEMO_DATABASE": str(workdir / "db.sqlite3")}) as server:
    async with connect(server.ws_url("/ws/signup/"), origin=server.origin) as websocket:
        await websocket.send(json.dumps({"register": "carol"}))
        print("reply over TCP:", json.loads(await websocket.recv()))
print("carol in the database:", await User.objects.filter(username="carol").aexists())
deleted, _ = await User.objects.all().adelete()
print("rows deleted:", deleted)

# %% [markdown]
# The server process wrote the row; this kernel read it from the same file, then removed it.
# Note that the end-to-end test needs a database file: an in-memory SQLite database lives
# inside one process and one connection.

# %% [markdown]
# And from a browser, with Playwright and `channels_lab.browser.chromium()` (notebook 10): the
# demo's chat page, which must connect and show its own message.

# %%
from channels_lab.browser import chromium, log_lines

with run_daphne(env={"DEMO_DATABASE": ":memory:"}) as demo:
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(demo.url + "/?room=tests")
        await page.locator("#state").filter(has_text="OPEN").wait_for()
        await page.fill("#message", "end to end")
        await page.press("#message", "Enter")
        await page.locator("#log p").filter(has_text="anonymous: end to end").wait_for()
        print(await log_lines(page, "#log p"))

# %% [markdown]
# The browser loaded the page over HTTP, opened the WebSocket, sent through the form and
# showed the broadcast. `tests/test_browser.py` does this with two pages in one room, and
# restarts the server to check that pages reconnect. End-to-end tests are slower (a server
# and a browser start), so keep most tests in-process and a few end to end.

# %% [markdown]
# ## Clean up
#
# Close the worker thread's database connection and remove the temporary directory.

# %%
import shutil

from django.db import connections

await database_sync_to_async(connections.close_all)()
shutil.rmtree(workdir)
print("temporary database removed:", not workdir.exists())

# %% [markdown]
# ## Exercises
#
# **ex21 · Test a consumer with `WebsocketCommunicator`.** In
# `exercises/ex21_check_commands.py`, write `check_commands(application)`: an async test of
# the demo's `CommandConsumer` (accepts; ping gets pong; add adds; bad JSON gets an error and
# the connection stays usable). The grader runs it against the real consumer, which must
# pass, and against six broken ones, each of which must make it fail.

# %%
check("ex21")

# %% [markdown]
# **ex22 · Test a consumer that writes to the database, and clean up.** In
# `exercises/ex22_check_signup.py`, write `check_signup(application)`: register `alice`
# through the consumer, check the row with the async ORM, check that a second `alice` is
# refused, and delete the `alice` you created, even when a check fails.

# %%
check("ex22")
