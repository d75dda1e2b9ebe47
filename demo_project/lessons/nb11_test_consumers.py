"""Notebook 11's example test module: consumers tested with pytest and pytest-asyncio.

Run it like any test file (the notebook does, in a subprocess):

    pytest demo_project/lessons/nb11_test_consumers.py

The repository's pyproject.toml sets ``asyncio_mode = "auto"``, so ``async def`` tests need
no marker. One test fails on purpose: it shows Django refusing database queries in a
``SimpleTestCase``.
"""

# ---- part: setup ----
import shutil
import tempfile
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from channels_lab import setup_django

# A throw-away SQLite file, configured before Django starts; removed when the session ends.
DB_DIR = Path(tempfile.mkdtemp(prefix="nb11-tests-"))
setup_django(DEMO_DATABASE=str(DB_DIR / "db.sqlite3"))

from django.contrib.auth.models import User  # noqa: E402  (after setup_django)
from django.core.management import call_command  # noqa: E402
from django.test import SimpleTestCase  # noqa: E402

from chat.consumers import CommandConsumer  # noqa: E402
from lessons.nb11_consumers import SignupConsumer  # noqa: E402


# ---- part: communicator ----
@pytest.fixture
async def commands():
    """A connected communicator; disconnected after the test, even a failed one."""
    communicator = WebsocketCommunicator(CommandConsumer.as_asgi(), "/ws/commands/")
    connected, _ = await communicator.connect()
    assert connected
    yield communicator
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


# ---- part: database ----
@pytest.fixture(scope="session", autouse=True)
def database():
    """Create the tables once; delete the SQLite file at the end of the session."""
    call_command("migrate", verbosity=0)
    yield
    from django.db import connections

    connections.close_all()
    shutil.rmtree(DB_DIR)


@pytest.fixture
async def no_users_left():
    """Delete the users a test created, so the next test starts from an empty table."""
    yield
    await User.objects.all().adelete()


async def signup(name):
    communicator = WebsocketCommunicator(SignupConsumer.as_asgi(), "/ws/signup/")
    await communicator.connect()
    await communicator.send_json_to({"register": name})
    reply = await communicator.receive_json_from()
    await communicator.disconnect()
    return reply


async def test_alice_registers(no_users_left):
    assert await signup("alice") == {"registered": "alice"}
    assert await User.objects.filter(username="alice").aexists()


async def test_alice_registers_again_in_a_fresh_table(no_users_left):
    assert await signup("alice") == {"registered": "alice"}
    assert await database_sync_to_async(User.objects.count)() == 1


# ---- part: simple-test-case ----
class SignupWithoutDatabase(SimpleTestCase):
    """Django's SimpleTestCase forbids queries: the consumer's query fails inside it."""

    async def test_signup(self):
        assert await signup("bob") == {"registered": "bob"}
