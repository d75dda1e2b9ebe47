"""ex12: MembersConsumer joins and counts Django users from async code without SynchronousOnlyOperation."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.db import connection


@pytest.fixture(scope="module")
def consumer(submission):
    # tests/conftest.py chose an in-memory SQLite database. Plain ":memory:" gives every thread
    # its own empty database; Django's test database is one in-memory database shared by all
    # threads (so by sync_to_async and database_sync_to_async too), with the tables migrated.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return submission("ex12_orm_members.py").MembersConsumer


@pytest.fixture(autouse=True)
def no_users():
    User.objects.all().delete()


async def first_reply(client, timeout):
    """The consumer's next text frame; if the consumer crashes first, its exception at once
    (``receive_from`` alone would report a crash only after its whole timeout)."""
    waiting = asyncio.ensure_future(client.receive_from(timeout))
    await asyncio.wait([waiting, client.future], return_when=asyncio.FIRST_COMPLETED)
    if not waiting.done() and client.future.exception() is not None:
        waiting.cancel()
        client.future.result()  # raises what the consumer raised
    return await waiting


async def connected(consumer):
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/members/")
    accepted, _ = await client.connect()
    assert accepted, "expected the connection to be accepted, it was refused"
    return client


async def ask(client, content):
    await client.send_json_to(content)
    try:
        return json.loads(await first_reply(client, timeout=5))
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - the learner's consumer crashed: say how
        pytest.fail(f"sent {content!r}: the consumer crashed with {type(error).__name__}: {error}", pytrace=False)


async def test_count_with_no_members_is_zero(consumer):
    """{"action": "count"} with no users gives {"members": 0}"""
    client = await connected(consumer)
    got = await ask(client, {"action": "count"})
    assert got == {"members": 0}, f"expected {{'members': 0}}, got {got!r}"
    await client.disconnect()


async def test_join_creates_a_django_user(consumer):
    """{"action": "join", "name": "ada"} creates the user ada and replies with the member count"""
    client = await connected(consumer)
    got = await ask(client, {"action": "join", "name": "ada"})
    assert got == {"joined": "ada", "members": 1}, f"expected {{'joined': 'ada', 'members': 1}}, got {got!r}"
    exists = await sync_to_async(User.objects.filter(username="ada").exists)()
    assert exists, "expected a Django user 'ada' in the database after the join"
    await client.disconnect()


async def test_joining_twice_reuses_the_user_and_count_agrees(consumer):
    """Joining twice with the same name reuses the user; count agrees with the database"""
    client = await connected(consumer)
    for name, members in (("ada", 1), ("grace", 2), ("ada", 2)):
        got = await ask(client, {"action": "join", "name": name})
        want = {"joined": name, "members": members}
        assert got == want, f"after joining {name!r}: expected {want!r}, got {got!r}"
    got = await ask(client, {"action": "count"})
    assert got == {"members": 2}, f"expected {{'members': 2}}, got {got!r}"
    await client.disconnect()


async def test_members_are_the_databases_users_whoever_made_them(consumer):
    """The count is the database's: users another connection or another part of the site created count too"""
    await sync_to_async(User.objects.create)(username="made-by-a-view")
    first, second = await connected(consumer), await connected(consumer)
    got = await ask(first, {"action": "join", "name": "ada"})
    assert got == {"joined": "ada", "members": 2}, (
        f"with one user already in the database, expected {{'joined': 'ada', 'members': 2}}, got {got!r}: "
        "count the database's users, not this connection's")
    got = await ask(second, {"action": "count"})
    assert got == {"members": 2}, (f"a second connection expected {{'members': 2}}, got {got!r}: "
                                   "count the database's users, not this connection's")
    await first.disconnect()
    await second.disconnect()
