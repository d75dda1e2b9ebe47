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
import os
import tempfile
from pathlib import Path

from channels_lab import check, run_daphne, setup_django

workdir = Path(tempfile.gettempdir()) / f"nb11-{os.getpid()}"  # one per kernel: Django reads its path once
workdir.mkdir(exist_ok=True)
setup_django(DEMO_DATABASE=str(workdir / "db.sqlite3"))

from channels.testing import WebsocketCommunicator

from chat.consumers import ChatConsumer, CommandConsumer

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
# | `connect(timeout=1)` | `websocket.connect` | `websocket.accept` → `(True, subprotocol)`, or `websocket.close` → `(False, its code)`, or `(False, 1000)` if it sent none |
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
from demo_project.asgi import application as demo_application

refused = WebsocketCommunicator(demo_application, "/ws/commands/")
print("no Origin header:", await refused.connect())

allowed = WebsocketCommunicator(demo_application, "/ws/commands/", headers=[(b"origin", b"http://127.0.0.1")])
print("with Origin:     ", await allowed.connect())
print("scope path:", allowed.scope["path"], "| headers:", allowed.scope["headers"])
await allowed.send_json_to({"action": "add", "numbers": [2, 3]})
print("reply:", await allowed.receive_json_from())
await allowed.disconnect()

# %% [markdown]
# Without an `Origin` the validator refused before the consumer ran, and `connect()` returned
# `(False, 1000)` instead of raising. The 1000 is the communicator's: the validator's close
# carries no code, and `connect()` fills in 1000 (`channels/testing/websocket.py:43`); through
# daphne the same refusal is an HTTP 403 answer to the handshake. With the header the whole
# stack (origin check, sessions, routing) ran in-process. Test the consumer class alone for its logic, and the
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
await echo.send_input({"type": "websocket.receive", "text": ""})
print("send_input() with empty text, back:", repr(await echo.receive_from()))
await echo.disconnect()

# %% [markdown]
# `receive_from()` returns `bytes` for a binary frame and `str` for a text one. The empty text
# message is legal on the wire, but `send_to` asserts that exactly one argument is truthy, so
# it cannot send it; `send_input()`, which hands the consumer any ASGI message as it is, can,
# and the echo came back empty.

# %% [markdown]
# ## The consumers under test, on this page
#
# The next cells define the consumers this notebook tests, as `%%lesson` cells: each runs
# here and becomes part of the module `lesson`, which the pytest file below imports and daphne
# serves at the end. Edit one and re-run it to see a test change its verdict. First the imports
# they share:

# %%
# %%lesson
import asyncio

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

# %% [markdown]
# ## `receive_nothing()` only watches a short window
#
# `receive_nothing()` returns `True` when no message arrived within `timeout` (0.1 s by
# default). `LateReplyConsumer` answers 0.3 s after each message:

# %%
# %%lesson
LATE_BY = 0.3  # seconds


class LateReplyConsumer(AsyncWebsocketConsumer):
    """Echoes every text message ``LATE_BY`` seconds after it came."""

    async def receive(self, text_data=None, bytes_data=None):
        await asyncio.sleep(LATE_BY)
        await self.send(text_data=f"late: {text_data}")

# %% [markdown]
# A test that sends to it and calls `receive_nothing()` right away:

# %%
late = WebsocketCommunicator(LateReplyConsumer.as_asgi(), "/ws/late/")
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
# in `disconnect()`, never replies, and notes in `EVENTS` what ran:

# %%
# %%lesson
EVENTS = []  # what LobbyConsumer's handlers did, in order


class LobbyConsumer(AsyncWebsocketConsumer):
    """Joins group ``lobby`` on connect and leaves it on disconnect; answers nothing."""

    async def connect(self):
        await self.channel_layer.group_add("lobby", self.channel_name)
        await self.accept()
        EVENTS.append("connect: joined lobby")

    async def disconnect(self, code):
        await self.channel_layer.group_discard("lobby", self.channel_name)
        EVENTS.append(f"disconnect({code}): left lobby")

# %% [markdown]
# A test that waits for a reply this consumer never sends:

# %%
from channels.layers import get_channel_layer

layer = get_channel_layer()
lobby = WebsocketCommunicator(LobbyConsumer.as_asgi(), "/ws/lobby/")
await lobby.connect()
try:
    await lobby.receive_from(timeout=0.2)
except TimeoutError:
    print("receive_from(timeout=0.2) raised TimeoutError")
print("consumer task cancelled:", lobby.future.cancelled())
print("handlers that ran:", EVENTS)
print("channels still in group lobby:", len(layer.groups.get("lobby", {})))

# %% [markdown]
# The consumer was cancelled in the middle of waiting: `disconnect()` never ran, so its
# channel is still in group `lobby`. The in-memory layer drops such a member in two ways
# (`channels/layers.py:318-342`, run by every `receive()` and `group_send()`): when its membership is older than
# `group_expiry`, or as soon as a message sent to its channel expires unread (`expiry`),
# because an expired message removes its channel from every group. A layer with a 0.1 s
# expiry shows the second, after the defaults of both:

# %%
from channels.layers import InMemoryChannelLayer

defaults = InMemoryChannelLayer()
print(f"defaults: expiry {defaults.expiry} s, group_expiry {defaults.group_expiry // 3600} hours")
quick = InMemoryChannelLayer(expiry=0.1)
dead = await quick.new_channel()  # a channel nobody reads, like the cancelled consumer's
await quick.group_add("lobby", dead)
await quick.group_send("lobby", {"type": "lobby.news"})
print("members after the first message:", len(quick.groups["lobby"]))
await asyncio.sleep(0.2)  # the message expires unread
await quick.group_send("lobby", {"type": "lobby.news"})  # each group_send cleans up first
print("members once it expired:", len(quick.groups["lobby"]))
print(InMemoryChannelLayer._clean_expired.__doc__.split("\n")[2].strip())

# %% [markdown]
# The second `group_send` found the first message expired, removed `dead` from every group, and
# so sent to nobody. So a consumer that died without `disconnect()` stays in its groups until
# the next message to it expires. Back to the cancelled communicator: from now on, it is dead:

# %%
for attempt in (lobby.send_to(text_data="still there?"), lobby.disconnect()):
    try:
        await attempt
    except asyncio.CancelledError:
        print("CancelledError")
print("CancelledError is an Exception:", issubclass(asyncio.CancelledError, Exception))

# %% [markdown]
# Both calls raise `asyncio.CancelledError`, which is not an `Exception` (an `except
# Exception:` lets it through): a fixture that disconnects in its teardown after a timed-out
# test adds a second, confusing error. So a
# timeout in a test means "the consumer did not answer in time", and the test is over. To
# check that a consumer says nothing, use `receive_nothing()`, which cancels nothing. The
# normal ending runs `disconnect()`:

# %%
EVENTS.clear()
layer.groups.clear()
lobby = WebsocketCommunicator(LobbyConsumer.as_asgi(), "/ws/lobby/")
await lobby.connect()
print("nothing said:", await lobby.receive_nothing())
await lobby.disconnect(code=1001)
print("handlers that ran:", EVENTS)
print("group lobby still exists:", "lobby" in layer.groups)

# %% [markdown]
# `disconnect(code=1001)` delivered `websocket.disconnect`, the consumer left its group, and
# the group is gone.

# %% [markdown]
# ## When the consumer crashes
#
# `CalculatorConsumer` divides without checking for zero:

# %%
# %%lesson
class CalculatorConsumer(AsyncJsonWebsocketConsumer):
    """``{"divide": [a, b]}`` -> ``{"result": a / b}``. No error handling, on purpose."""

    async def receive_json(self, content, **kwargs):
        a, b = content["divide"]
        await self.send_json({"result": a / b})

# %% [markdown]
# Dividing by zero raises in the consumer's task; the communicator re-raises it at the next
# call that waits for the task. How long that call waits, measured:

# %%
import time

calculator = WebsocketCommunicator(CalculatorConsumer.as_asgi(), "/ws/calc/")
await calculator.connect()
await calculator.send_json_to({"divide": [1, 0]})
started = time.monotonic()
try:
    await calculator.receive_json_from(timeout=0.5)
except ZeroDivisionError as error:
    waited = time.monotonic() - started
    print("receive_json_from(timeout=0.5) raised the consumer's own error:", repr(error))
    print(f"after {waited:.2f} s; it waited the whole timeout: {waited >= 0.5}")

# %% [markdown]
# The test sees the consumer's own traceback, not a timeout, but only once the whole timeout
# has passed: `receive_output()` checks whether the task ended before waiting, then waits for
# output that never comes, and on the timeout checks again and raises the task's error
# (`asgiref/testing.py:99-120`). A crash costs a test its full timeout. What is left of the
# communicator afterwards:

# %%
print("task cancelled:", calculator.future.cancelled(), "| task done:", calculator.future.done())
try:
    await calculator.disconnect()
except ZeroDivisionError as error:
    print("disconnect() raised it again:", repr(error))

# %% [markdown]
# The crashed task is done but not cancelled, and `disconnect()` does not deliver
# `websocket.disconnect`: `send_input()` first re-raises the error of a task that has ended
# (`asgiref/testing.py:88-97`, called through Channels' `channels/testing/application.py:11-13`).

# %% [markdown]
# ## A consumer that uses the database
#
# `SignupConsumer` creates a user for `{"register": "alice"}`. First, tables in our temporary
# database. Jupyter runs cells inside an event loop, so even here the ORM must be called
# through a thread: `database_sync_to_async` (Channels' `sync_to_async` that also closes stale
# connections).

# %%
from django.contrib.auth.models import User
from django.core.management import call_command

await database_sync_to_async(call_command)("migrate", verbosity=0)
print("users:", await database_sync_to_async(User.objects.count)())

# %% [markdown]
# The tables exist and are empty. Now two consumers side by side: both register a name
# through the same function, `register()`, which uses the synchronous ORM. The unsafe one
# calls it straight from async code; the safe one runs it through `database_sync_to_async`.

# %%
# %%lesson
def register(name):
    """Create user ``name``; return the reply for the client. Synchronous ORM: call it from a thread."""
    from django.contrib.auth.models import User

    if User.objects.filter(username=name).exists():
        return {"error": f"{name} is taken"}
    User.objects.create_user(username=name)
    return {"registered": name}


class UnsafeSignupConsumer(AsyncJsonWebsocketConsumer):
    """The pitfall: calls the synchronous ORM from async code."""

    async def receive_json(self, content, **kwargs):
        await self.send_json(register(content["register"]))


class SignupConsumer(AsyncJsonWebsocketConsumer):
    """``{"register": "alice"}`` -> ``{"registered": "alice"}`` or ``{"error": "alice is taken"}``."""

    async def receive_json(self, content, **kwargs):
        name = content.get("register")
        if not isinstance(name, str) or not name:
            await self.send_json({"error": 'send {"register": "a name"}'})
            return
        await self.send_json(await database_sync_to_async(register)(name))

# %% [markdown]
# The only difference that matters is the last line of each `receive_json`. The unsafe one
# first:

# %%
unsafe = WebsocketCommunicator(UnsafeSignupConsumer.as_asgi(), "/ws/signup/")
await unsafe.connect()
await unsafe.send_json_to({"register": "alice"})
try:
    await unsafe.receive_json_from()
except Exception as error:
    print(f"{type(error).__name__}: {error}")

# %% [markdown]
# `SynchronousOnlyOperation`: Django refused before touching the database, because a blocking
# query would freeze every connection served by the event loop. `SignupConsumer` wraps the
# same function in `database_sync_to_async`:

# %%
async def signup(name):
    communicator = WebsocketCommunicator(SignupConsumer.as_asgi(), "/ws/signup/")
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
# and fail together, depending on order. One fix is to remove what the test created, after
# the test, whether it passed or not, and nothing else: the users that existed before it
# (here `alice`, from the section above) are not the test's to delete. A context manager
# that notes which users exist before and deletes only the new ones after:

# %%
import contextlib


@contextlib.asynccontextmanager
async def new_users_removed():
    before = [pk async for pk in User.objects.values_list("pk", flat=True)]
    try:
        yield
    finally:
        await User.objects.exclude(pk__in=before).adelete()


await User.objects.filter(username="bob").adelete()  # the leaked bob
for run in (1, 2):
    async with new_users_removed():
        await test_bob_registers()
        print(f"run {run}: passed")
print("users left:", [name async for name in User.objects.values_list("username", flat=True)])
removed = await User.objects.filter(username="alice").adelete()  # alice was ours, from signup() above

# %% [markdown]
# Both runs passed, and only `alice`, who was there before, is left (the cell then removes
# her: the next sections start from an empty table). Django's test classes offer two other ways: roll each
# test back (`TestCase`), or empty the tables after it (`TransactionTestCase`). They live in a
# pytest file, which the next section writes.

# %% [markdown]
# ## The same tests, in a pytest file
#
# In a project, tests live in a file that pytest runs. The next cells build one as a lesson
# module named `test_consumers` (`%%lesson test_consumers`), saved beside the `lesson`
# module, so it imports the consumers above. pytest-asyncio runs each `async def` test in its
# own event loop. First the file's imports: pytest imports the file before anything else, so
# it configures Django itself (in this notebook Django is already configured and the call does
# nothing).

# %%
# %%lesson test_consumers
import os

import pytest
from channels.testing import WebsocketCommunicator

from channels_lab import setup_django

setup_django()  # uses DEMO_DATABASE from the environment

from chat.consumers import CommandConsumer  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import SimpleTestCase, TestCase, TransactionTestCase  # noqa: E402

from lesson import CalculatorConsumer, LobbyConsumer, SignupConsumer  # noqa: E402

# %% [markdown]
# An `async` fixture with `yield` hands each test a connected communicator and cleans up after
# it, passed or failed. The obvious fixture disconnects after `yield`, and that is what the
# cells above warned against: after a timeout the consumer is cancelled, and `disconnect()`
# raises `CancelledError`; after a crash it raises the crash again. Side by side, the obvious
# fixture and one that heeds both warnings, each with a test that waits for a greeting
# `LobbyConsumer` never sends, and the same careful fixture around `CalculatorConsumer`
# dividing by zero:

# %%
# %%lesson test_consumers
@pytest.fixture
async def lobby_obvious():
    communicator = WebsocketCommunicator(LobbyConsumer.as_asgi(), "/ws/lobby/")
    await communicator.connect()
    yield communicator
    await communicator.disconnect()


@pytest.fixture
async def lobby():
    communicator = WebsocketCommunicator(LobbyConsumer.as_asgi(), "/ws/lobby/")
    await communicator.connect()
    yield communicator
    if not communicator.future.done():  # cancelled by a timeout, or crashed: nothing to disconnect
        await communicator.disconnect()


@pytest.fixture
async def calculator():
    communicator = WebsocketCommunicator(CalculatorConsumer.as_asgi(), "/ws/calc/")
    await communicator.connect()
    yield communicator
    if not communicator.future.done():
        await communicator.disconnect()


async def test_lobby_greets_obvious(lobby_obvious):
    assert await lobby_obvious.receive_from(timeout=0.2) == "welcome"


async def test_lobby_greets(lobby):
    assert await lobby.receive_from(timeout=0.2) == "welcome"


async def test_calculator_divides_by_zero(calculator):
    await calculator.send_json_to({"divide": [1, 0]})
    assert await calculator.receive_json_from(timeout=0.2) == {"error": "division by zero"}

# %% [markdown]
# `future` is the consumer's task: `done()` is true once it ended, cancelled by a timeout or
# crashed (`cancelled()` alone would miss the crash, and `disconnect()` would raise the
# `ZeroDivisionError` a second time, as the cell above showed). To run the file, a small helper
# starts pytest in a fresh process, as you would from a terminal
# (`pytest test_consumers.py::test_name`), and prints each test's outcome with its error, and
# under a passed test what it printed (pytest's `-rP`). `PYTEST_DISABLE_PLUGIN_AUTOLOAD` and
# `-p pytest_asyncio.plugin` load only the plugin these tests need: pytest-django, installed
# here, stays off unless a run names it. `-o asyncio_mode=auto` lets `async def` tests and
# fixtures run without a marker (a project sets it in its pytest configuration, as this
# repository's `pyproject.toml` does). Without pytest-django nothing makes a test database:
# the subprocess inherits this kernel's `DEMO_DATABASE`, and the tests use this notebook's
# database file.

# %%
import re
import subprocess
import sys
import textwrap

from channels_lab import lesson
from channels_lab.servers import django_env

def printed_by_tests(out):
    """``{test: what it printed}``, read from the sections pytest's ``-rP`` adds to its output."""
    printed, name, section = {}, None, None
    for line in out.splitlines():
        if header := re.fullmatch(r"_{3,} (\S+) _{3,}", line):
            name, section = header[1].replace(".", "::"), None
        elif part := re.fullmatch(r"-{3,} Captured (.+?) -{3,}", line):
            section = part[1]
        elif re.fullmatch(r"={3,} .* ={3,}", line):
            name = section = None
        elif name and section == "stdout call":
            printed[name] = printed.get(name, "") + line + "\n"
    return printed


def run_pytest(*names, module="test_consumers", plugins=()):
    """Run the tests or test classes ``names`` of a lesson test module; print each outcome, its error
    and, for a passed test, what it printed."""
    tests = lesson.current().modules[module].path
    command = [sys.executable, "-m", "pytest", *[f"{tests.name}::{name}" for name in names],
               "-p", "pytest_asyncio.plugin", *[f"-p{plugin}" for plugin in plugins], "-o", "asyncio_mode=auto",
               "-p", "no:cacheprovider", "-v", "--tb=short", "-rfEP", "--color=no"]
    env = {**os.environ, **django_env(), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "COLUMNS": "400"}
    out = subprocess.run(command, cwd=tests.parent, env=env, capture_output=True, text=True, timeout=60).stdout
    errors = {(kind, name): message for kind, name, message in
              re.findall(r"^(FAILED|ERROR) \S+?::(\S+) - (.*)$", out, re.MULTILINE)}
    printed = printed_by_tests(out)
    for name, outcome in re.findall(r"^\S+?::(\S+) (PASSED|FAILED|ERROR)", out, re.MULTILINE):
        error = f": {errors[outcome, name]}" if (outcome, name) in errors else ""
        print(textwrap.fill(f"{outcome:6} {name}{error}", 100, subsequent_indent="         "))
        if outcome == "PASSED" and name in printed:
            print(textwrap.indent(printed[name], "         "), end="")


run_pytest("test_lobby_greets_obvious", "test_lobby_greets", "test_calculator_divides_by_zero")

# %% [markdown]
# The three tests fail, as they should: no greeting came, and the division crashed. But the
# obvious fixture adds an `ERROR` at teardown, a `CancelledError` that hides the real failure
# behind a second one; the careful fixture reports only the `TimeoutError`, and only the
# `ZeroDivisionError`. The same fixture for the demo's `CommandConsumer`,
# and three tests that use it:

# %%
# %%lesson test_consumers
@pytest.fixture
async def commands():
    """A connected communicator; disconnected after the test unless `future.done()`: cancelled or crashed."""
    communicator = WebsocketCommunicator(CommandConsumer.as_asgi(), "/ws/commands/")
    connected, _ = await communicator.connect()
    assert connected
    yield communicator
    if not communicator.future.done():
        await communicator.disconnect()


async def test_ping(commands):
    await commands.send_json_to({"action": "ping"})
    assert await commands.receive_json_from() == {"action": "pong"}


@pytest.mark.parametrize("numbers, total", [([1, 2], 3), ([], 0), ([0.5, 0.25], 0.75)], ids=["ints", "empty", "floats"])
async def test_add(commands, numbers, total):
    await commands.send_json_to({"action": "add", "numbers": numbers})
    assert await commands.receive_json_from() == {"action": "add", "result": total}


async def test_bad_json_gets_an_error_and_nothing_else(commands):
    await commands.send_to(text_data="{not json")
    assert "malformed JSON" in (await commands.receive_json_from())["error"]
    assert await commands.receive_nothing()

# %%
run_pytest("test_ping", "test_add", "test_bad_json_gets_an_error_and_nothing_else")

# %% [markdown]
# All five pass (`test_add` runs once per parameter set).

# %% [markdown]
# ## Django's `TestCase`: each test in a transaction, rolled back
#
# `TestCase` opens a transaction before each test and rolls it back after, so nothing a test
# writes survives it. Does that reach the consumer's writes? With `async def` test methods,
# yes: Django runs the coroutine through `async_to_sync`, and `database_sync_to_async` (a
# thread-sensitive `sync_to_async`) runs the ORM back on the thread that called it, the one
# whose connection holds the transaction. Two tests that each register `alice`; the second
# passes only if the first one's `alice` was rolled back:

# %%
# %%lesson test_consumers
@pytest.fixture(scope="session", autouse=True)
def tables():
    """Create the tables once per session (in the notebook they exist already)."""
    call_command("migrate", verbosity=0)


async def ask_to_register(name, disconnect=True):
    communicator = WebsocketCommunicator(SignupConsumer.as_asgi(), "/ws/signup/")
    await communicator.connect()
    await communicator.send_json_to({"register": name})
    reply = await communicator.receive_json_from()
    if disconnect:
        await communicator.disconnect()
    return reply


class SignupInATransaction(TestCase):
    async def test_alice_registers(self):
        assert await ask_to_register("alice", disconnect=False) == {"registered": "alice"}
        assert await User.objects.acount() == 1

    async def test_alice_registers_again(self):
        assert await ask_to_register("alice", disconnect=False) == {"registered": "alice"}
        assert await User.objects.acount() == 1

# %%
run_pytest("SignupInATransaction")
print("users in the database afterwards:", await User.objects.acount())

# %% [markdown]
# Both passed, and the table is empty again: the transaction held the consumer's writes and
# the rollback undid them. These tests never disconnect, though (the consumer task is
# cancelled when the test's event loop ends). Add the `disconnect()` every test should end with,
# and, beside it, two more `TestCase` tests that also touch the database through Channels: one
# calls `database_sync_to_async` itself, one waits in `receive_nothing()` while the consumer
# writes:

# %%
# %%lesson test_consumers
from channels.db import database_sync_to_async  # noqa: E402


class SignupThenDisconnect(TestCase):
    async def test_alice_registers(self):
        assert await ask_to_register("alice") == {"registered": "alice"}
        assert await User.objects.filter(username="alice").acount() == 1


class CountThroughDatabaseSyncToAsync(TestCase):
    async def test_no_users(self):
        assert await database_sync_to_async(User.objects.count)() == 0
        assert await User.objects.acount() == 0


class SignupReceiveNothingFirst(TestCase):
    async def test_alice_registers(self):
        communicator = WebsocketCommunicator(SignupConsumer.as_asgi(), "/ws/signup/")
        await communicator.connect()
        await communicator.send_json_to({"register": "alice"})
        await communicator.receive_nothing(timeout=0.2)  # the consumer's ORM call runs meanwhile
        assert await communicator.receive_json_from() == {"registered": "alice"}

# %%
run_pytest("SignupThenDisconnect", "CountThroughDatabaseSyncToAsync", "SignupReceiveNothingFirst")

# %% [markdown]
# All three find their database connection closed. The cause is in Channels (its
# [issue 2118](https://github.com/django/channels/issues/2118)); the lines involved, read from
# the installed source:

# %%
import inspect

import channels.testing.application
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db.backends.base.base import BaseDatabaseWrapper


def show(function, *words):
    """Print, as path:line, the lines of ``function`` with one of ``words`` (and the line after a ``:``)."""
    lines, first = inspect.getsourcelines(function)
    path = inspect.getsourcefile(function).split("site-packages/")[1]
    shown = set()
    for index, line in enumerate(lines):
        if any(word in line for word in words):
            shown.update([index, index + 1] if line.rstrip().endswith(":") else [index])
    for index in sorted(shown):
        print(f"{path}:{first + index}  {lines[index].rstrip()}")


show(channels.db.DatabaseSyncToAsync.thread_handler, "close_old_connections")
show(AsyncWebsocketConsumer.websocket_disconnect, "aclose_old_connections")
show(channels.testing.application.ApplicationCommunicator, "def ", "mock.patch")
show(WebsocketCommunicator.disconnect, "await")
show(BaseDatabaseWrapper.close_if_unusable_or_obsolete, "get_autocommit")

# %% [markdown]
# `database_sync_to_async` calls Django's `close_old_connections()` before and after its
# function, in the thread it runs on: under a `TestCase`, the test's thread. After its handler,
# `websocket_disconnect` calls it too (`aclose_old_connections()`). Channels' communicator
# switches that function off with `mock.patch`, but only while `send_input()` or
# `receive_output()` runs. Everything else runs outside the patch: the test's own
# `database_sync_to_async` call; the consumer's, when the test waits in `receive_nothing()`
# (asgiref's method, which Channels does not patch); and the consumer's `websocket_disconnect`,
# because the communicator's `disconnect()` sends its message and then waits in `wait()`.
# Inside a transaction autocommit is off,
# which `close_if_unusable_or_obsolete()` takes for a connection left in a bad state: it closes
# it, and the test's transaction with it. The fix is a test class that does not rely on one
# transaction, `TransactionTestCase`: the test's writes are committed, and Django empties
# every table after each test.

# %%
# %%lesson test_consumers
class SignupThenDisconnectCommitted(TransactionTestCase):
    async def test_alice_registers(self):
        assert await ask_to_register("alice") == {"registered": "alice"}
        assert await User.objects.filter(username="alice").acount() == 1
        name = connection.settings_dict["NAME"]
        print("the database:", os.path.basename(name), "| the file DEMO_DATABASE names:", name == os.environ["DEMO_DATABASE"])

    async def test_alice_registers_again(self):
        assert await ask_to_register("alice") == {"registered": "alice"}
        assert await User.objects.filter(username="alice").acount() == 1

# %% [markdown]
# Before running it, a user of our own in the notebook's database, `dave`, as a development
# database has users that no test made:

# %%
await User.objects.acreate(username="dave")
run_pytest("SignupThenDisconnectCommitted")
print("users in the database afterwards:", [name async for name in User.objects.values_list("username", flat=True)])

# %% [markdown]
# Both pass with `disconnect()`, and the table is empty afterwards: `dave` is gone too. The
# tests ran on the configured database, this notebook's file, and `TransactionTestCase`
# empties every table of it after each test (`django/test/testcases.py:1253-1273`, a `flush`).
# Django's test runner and pytest-django first make a test database and point the tests at it;
# plain pytest, as here, does not. Copied into a project that runs its tests with plain pytest,
# this class wipes the development database: run such tests with pytest-django (below), or
# with settings whose `DATABASES` name a throw-away database. Leaving `disconnect()` out
# to keep `TestCase` is no way out: the consumer's `disconnect()` handler would never be tested,
# and its task would be cancelled instead (the lobby above showed what that leaves behind). So a
# test that talks to a consumer which touches the database, and disconnects as every such test
# should, takes `TransactionTestCase`. `TestCase`, which rolls back instead of emptying every
# table, stays the choice for tests that never run a consumer: models, views, plain ORM code.

# %% [markdown]
# ## The same fix with pytest-django
#
# pytest-django, the usual Django plugin for pytest, marks test functions instead of
# subclassing: `@pytest.mark.django_db` runs the test inside a `TestCase`, and
# `@pytest.mark.django_db(transaction=True)` inside a `TransactionTestCase`
# (`pytest_django/fixtures.py:250-253`, `_django_db_helper`). It also makes a test database of
# its own and migrates it (a cell below prints its name). This repository switches the plugin off
# for its own suite (`-p no:django` in `pyproject.toml`), so the run below names it
# (`-p pytest_django.plugin`). A second test file, `test_marked`, with two tests of each kind,
# the `transaction=True` ones first, and a last one that looks at what they left:

# %%
# %%lesson test_marked
import pytest
from django.contrib.auth.models import User

from test_consumers import ask_to_register


@pytest.mark.django_db(transaction=True)
async def test_committed():
    assert await ask_to_register("alice") == {"registered": "alice"}
    assert await User.objects.filter(username="alice").acount() == 1


@pytest.mark.django_db(transaction=True)
async def test_committed_again():
    assert await ask_to_register("alice") == {"registered": "alice"}
    assert await User.objects.filter(username="alice").acount() == 1


@pytest.mark.django_db
async def test_in_a_transaction():
    assert await ask_to_register("bob") == {"registered": "bob"}
    assert await User.objects.filter(username="bob").acount() == 1


@pytest.mark.django_db
async def test_in_a_transaction_again():
    assert await ask_to_register("bob") == {"registered": "bob"}
    assert await User.objects.filter(username="bob").acount() == 1


@pytest.mark.django_db(transaction=True)
async def test_nothing_left():
    assert [name async for name in User.objects.values_list("username", flat=True)] == []

# %% [markdown]
# Each pair registers one name twice, with `disconnect()`; the second test of a pair passes only
# if the first one left nothing behind, and `test_nothing_left` checks that no user at all is
# left at the end. The run names the tests in the file's order:

# %%
run_pytest("test_committed", "test_committed_again", "test_in_a_transaction", "test_in_a_transaction_again",
           "test_nothing_left", module="test_marked", plugins=["pytest_django.plugin"])

# %% [markdown]
# pytest-django changed the order: it ran the tests in a transaction first, then the
# `transaction=True` ones in the file's order (`pytest_django/plugin.py:473-517` sorts them
# the way Django's own runner does), which is why `test_nothing_left`, last in the file, is
# also run last. The plain marker isolated nothing: the first test passed and left its `bob`
# behind, so the second found the name taken. With `transaction=True` both tests passed, and
# `test_nothing_left` found no user at all, `bob` included: the `TransactionTestCase` behind
# that marker empties every table after each test (`django/test/testcases.py:1253-1273`, a
# `flush`), here the test database's tables. That is the fix, as `TransactionTestCase` was
# above.

# %% [markdown]
# ### Why the plain marker lets `bob` through: threads
#
# The marker opens its transaction on pytest's thread, the main thread, before the test
# starts, and a transaction belongs to one connection. `database_sync_to_async` (the way
# `SignupConsumer` calls `register()`) picks the thread its function runs on
# (`asgiref/sync.py:507-543`): below an `async_to_sync`, the thread that called
# `async_to_sync`; with none, asgiref's one shared thread (`SyncToAsync.single_thread_executor`,
# `asgiref/sync.py:453`; a `ThreadSensitiveContext` would change that, and these tests open
# none). Django runs an `async def` method of a `TestCase` through `async_to_sync`
# (`django/test/testcases.py:360`); pytest-asyncio runs an `async def` test function in an
# event loop of its own. A probe that reports where it runs, called through
# `database_sync_to_async` (as `SignupConsumer` calls `register()`) from an async test of each
# kind, and directly from a plain (sync) test under the marker; beside them, under this plugin,
# the `SignupThenDisconnect` test that failed above:

# %%
# %%lesson test_marked
import threading

from channels.db import database_sync_to_async
from django.db import connection
from django.test import TestCase

from test_consumers import SignupThenDisconnect  # noqa: F401 (pytest collects it here too)


def where_am_i():
    """Which thread this runs on, and whether that thread's connection is in a transaction."""
    thread = "pytest's main thread" if threading.current_thread() is threading.main_thread() else "another thread"
    return f"{thread}, in a transaction: {connection.in_atomic_block}"


class WhereTestCaseRuns(TestCase):
    async def test_probe(self):
        print("the ORM (database_sync_to_async):", await database_sync_to_async(where_am_i)())


@pytest.mark.django_db
def test_probe_sync():
    print("a sync test:                     ", where_am_i())
    print("the test database:", connection.settings_dict["NAME"])


@pytest.mark.django_db
async def test_probe():
    print("the ORM (database_sync_to_async):", await database_sync_to_async(where_am_i)())

# %%
run_pytest("WhereTestCaseRuns", "test_probe_sync", "test_probe", "SignupThenDisconnect", module="test_marked",
           plugins=["pytest_django.plugin"])

# %% [markdown]
# Under `TestCase` the ORM call came back to pytest's main thread and ran inside the test's
# transaction, which is why the rollbacks above undid the consumer's writes. The plain marker
# opens its transaction as well: a sync test runs inside it, on the main thread. But in the
# async test the ORM call ran on another thread, whose connection was in no transaction: each
# write committed at once, and the rollback after the test had nothing to undo. The test
# database's name shows the database the plugin made: SQLite in memory, the name Django gives
# one when the settings set no `TEST["NAME"]` (`django/db/backends/sqlite3/creation.py:19-22`);
# `cache=shared` makes every connection of the test process open the same one, which is how
# the second test above found the first one's `bob`.
#
# And `SignupThenDisconnect` passed. Nothing in Channels changed: `close_old_connections()`
# still asked Django to close the test's connection, and that did nothing: Django ignores
# `close()` on an in-memory SQLite database, because closing it would destroy the database
# (`django/db/backends/sqlite3/base.py:222-228`). The probe's `database_sync_to_async` call is
# harmless here for the same reason. On a database file, as in the runs without the plugin
# above, or on PostgreSQL, the close is real, and the same test fails: a suite that passes on
# pytest-django's in-memory SQLite can fail on the project's own database. With pytest-django,
# mark consumer tests that touch the database `transaction=True`.

# %% [markdown]
# ## "Database queries are not allowed"
#
# Django's `SimpleTestCase` (for tests that need no database) blocks every query, and the
# consumer's query is no exception. Its error names remedies; a test of each kind, one of
# them the remedy the message offers last, listing the database in `databases`:

# %%
# %%lesson test_consumers
class SignupWithoutDatabase(SimpleTestCase):
    async def test_signup(self):
        assert await ask_to_register("bob") == {"registered": "bob"}


class SignupWithDatabaseListed(SimpleTestCase):
    databases = {"default"}

    async def test_signup(self):
        assert await ask_to_register("bob") == {"registered": "bob"}

# %%
run_pytest("SignupWithoutDatabase", "SignupWithDatabaseListed")
print("bob still in the database:", await User.objects.filter(username="bob").aexists())

# %% [markdown]
# The whole message offers three remedies, and they do different things:
#
# - subclass `TestCase`: each test runs in a transaction that is rolled back (but see
#   `disconnect()` above);
# - subclass `TransactionTestCase`: the test's writes are committed and every table is emptied
#   after the test;
# - add `'default'` to `databases`: this only lets the queries through. There is no
#   isolation at all: the test passed, and its `bob` is still in the database for the next
#   test to trip over.
#
# We remove `bob` by hand:

# %%
deleted, _ = await User.objects.filter(username="bob").adelete()
print("rows deleted:", deleted)

# %% [markdown]
# ## End to end: a real daphne
#
# In-process tests skip the server. To test what only a real server does (the handshake,
# daphne's limits, several processes sharing a database), serve the application with
# `run_daphne` and talk to it with the `websockets` client. First a router that puts two of
# the consumers above on URLs:

# %%
# %%lesson
application = ProtocolTypeRouter({
    "websocket": AllowedHostsOriginValidator(URLRouter([
        path("ws/signup/", SignupConsumer.as_asgi()),
        path("ws/late/", LateReplyConsumer.as_asgi()),
    ])),
})

# %% [markdown]
# The router is the last part of the `lesson` module, and daphne serves the module as it is
# now. Its process opens the same SQLite file as this notebook:

# %%
import json

from websockets.asyncio.client import connect

with run_daphne("lesson:application", env={"DEMO_DATABASE": str(workdir / "db.sqlite3")}) as server:
    async with connect(server.ws_url("/ws/signup/"), origin=server.origin) as websocket:
        await websocket.send(json.dumps({"register": "carol"}))
        print("reply over TCP:", json.loads(await websocket.recv()))
print("carol in the database:", await User.objects.filter(username="carol").aexists())
deleted, _ = await User.objects.filter(username="carol").adelete()
print("rows deleted:", deleted)

# %% [markdown]
# The server process wrote the row; this kernel read it from the same file, then removed it.
# Note that the end-to-end test needs a database file: an in-memory SQLite database lives
# inside the process that opened it ([SQLite: in-memory databases](https://www.sqlite.org/inmemorydb.html)),
# and daphne is another process.

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
# the demo's `CommandConsumer` (accepts; ping gets exactly pong; add gets exactly its action and
# sum; bad JSON gets an error and the connection stays usable; then disconnect). The grader runs
# it against the real consumer, which must pass and see its `disconnect()` run, and against nine
# broken ones, each of which must make it fail.

# %%
check("ex21")

# %% [markdown]
# **ex22 · Test a consumer that writes to the database, and clean up.** In
# `exercises/ex22_check_signup.py`, write `check_signup(application)`: register `alice`
# through the consumer, check the row with the async ORM, check that a second `alice` is
# refused, disconnect, and delete the `alice` you created and nothing else, even when a check
# fails.

# %%
check("ex22")
