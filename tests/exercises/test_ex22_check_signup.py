"""ex22: check_signup(application) tests a signup consumer against the database and cleans up."""

import asyncio
import traceback

import pytest
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import User
from django.core.management import call_command

from channels_lab import lesson

# The tests' database is SQLite in memory (tests/conftest.py). Every query goes through
# database_sync_to_async, which runs on one thread, so every query sees the same database.


@pytest.fixture(scope="module")
def check_signup(submission):
    return submission("ex22_check_signup.py").check_signup


_built = []  # notebook 11's lessons, built at the first connection (a second's work: not for a stub)


def lesson_consumer():
    """Notebook 11's ``SignupConsumer`` class, built from its %%lesson cells the first time."""
    if not _built:
        _built.append(lesson.from_notebook("11"))
    return _built[0].modules["lesson"].module.SignupConsumer


async def lesson_signup(scope, receive, send):
    """Notebook 11's ``SignupConsumer``, built when a check first connects."""
    await lesson_consumer().as_asgi()(scope, receive, send)


DISCONNECTS = []


async def records_disconnect(scope, receive, send):
    """Notebook 11's ``SignupConsumer``, noting in ``DISCONNECTS`` each close code its ``disconnect()`` saw."""

    class RecordsDisconnect(lesson_consumer()):
        async def disconnect(self, code):
            DISCONNECTS.append(code)

    await RecordsDisconnect.as_asgi()(scope, receive, send)


@pytest.fixture(scope="module", autouse=True)
def remove_notebook_lesson():
    yield
    while _built:
        _built.pop().remove()
        lesson.use(None)


@pytest.fixture
async def users():
    """Tables created, one user (zoe) there before the check; returns a function listing usernames."""
    await database_sync_to_async(call_command)("migrate", verbosity=0)
    await database_sync_to_async(User.objects.all().delete)()
    await database_sync_to_async(User.objects.create_user)(username="zoe")

    async def usernames():
        return await database_sync_to_async(lambda: sorted(User.objects.values_list("username", flat=True)))()

    yield usernames
    await database_sync_to_async(User.objects.all().delete)()


class SaysRegisteredButSavesNothing(AsyncJsonWebsocketConsumer):
    """says 'registered' but saves nothing"""

    async def receive_json(self, content, **kwargs):
        await self.send_json({"registered": content["register"]})


class RemembersNamesInMemory(AsyncJsonWebsocketConsumer):
    """answers like the real one but keeps the names in memory (the database never sees them)"""

    async def connect(self):
        self.names = set()
        await self.accept()

    async def receive_json(self, content, **kwargs):
        name = content["register"]
        if name in self.names:
            await self.send_json({"error": f"{name} is taken"})
        else:
            self.names.add(name)
            await self.send_json({"registered": name})


class RegistersTwice(AsyncJsonWebsocketConsumer):
    """accepts the same name twice (saves the first, says 'registered' again)"""

    async def receive_json(self, content, **kwargs):
        name = content["register"]
        await database_sync_to_async(User.objects.get_or_create)(username=name)
        await self.send_json({"registered": name})


class SavesButAnswersOk(AsyncJsonWebsocketConsumer):
    """saves the user but answers {"ok": true} instead of {"registered": name}"""

    async def receive_json(self, content, **kwargs):  # a taken name gets its error, as from the real one
        name = content["register"]
        _, created = await database_sync_to_async(User.objects.get_or_create)(username=name)
        await self.send_json({"ok": True} if created else {"error": f"{name} is taken"})


class AnswersATakenNameWithoutError(AsyncJsonWebsocketConsumer):
    """saves the user once but answers a taken name with {"taken": name}, an object with no "error" key"""

    async def receive_json(self, content, **kwargs):
        name = content["register"]
        _, created = await database_sync_to_async(User.objects.get_or_create)(username=name)
        await self.send_json({"registered": name} if created else {"taken": name})


def where(error):
    """`` at line N of your file: <code>`` for the learner's line that raised ``error``, or ''."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.endswith("ex22_check_signup.py")]
    return f" at line {frames[-1].lineno} of your file: {frames[-1].line}" if frames else ""


async def run(check_signup, application):
    """None if the check passed, else the exception it raised."""
    try:
        await check_signup(application)
    except NotImplementedError as error:
        pytest.fail(f"check_signup() is not written yet: {error}", pytrace=False)
    except (Exception, asyncio.CancelledError) as error:  # noqa: BLE001 - reported to the learner
        return error
    return None


async def test_passes_for_the_lesson_signup_consumer(check_signup, users):
    """Your check passes for notebook 11's SignupConsumer"""
    error = await run(check_signup, lesson_signup)
    assert error is None, (f"expected no error for the real consumer, got {type(error).__name__}"
                           f"{': ' if str(error) else ''}{error}{where(error)}")


async def test_disconnects_at_the_end(check_signup, users):
    """Your check ends by disconnecting: the consumer's disconnect() runs (step 4)"""
    DISCONNECTS.clear()
    error = await run(check_signup, records_disconnect)
    assert error is None, (f"expected no error for the real consumer, got {type(error).__name__}"
                           f"{': ' if str(error) else ''}{error}{where(error)}")
    assert DISCONNECTS, ("the consumer's disconnect() never ran: your check did not end with "
                         "communicator.disconnect() (step 4)")


async def test_leaves_the_table_as_it_found_it(check_signup, users):
    """After your check the users table is as before: no alice, and zoe (there before) kept"""
    await run(check_signup, lesson_signup)
    got = await users()
    assert got == ["zoe"], f"expected usernames ['zoe'], got {got!r}"


async def test_keeps_an_alice_that_was_there_before(check_signup, users):
    """An alice that was there before your check is kept: your check deletes only the alice it created"""
    await database_sync_to_async(User.objects.create_user)(username="alice")
    await run(check_signup, lesson_signup)  # fails (alice is taken), and must leave her be
    got = await users()
    assert got == ["alice", "zoe"], (f"an alice was there before your check, not yours to delete: expected "
                                     f"usernames ['alice', 'zoe'], got {got!r}")


@pytest.mark.parametrize("consumer", [SaysRegisteredButSavesNothing, RemembersNamesInMemory, RegistersTwice,
                                      SavesButAnswersOk, AnswersATakenNameWithoutError],
                         ids=["saves nothing", "only in memory", "registers twice", "answers ok", "no error key"])
async def test_fails_for_a_broken_consumer(check_signup, users, consumer):
    """Your check fails for a consumer that"""
    error = await run(check_signup, consumer.as_asgi())
    assert error is not None, f"expected check_signup() to fail for a consumer that {consumer.__doc__}, but it passed"


@pytest.mark.parametrize("consumer", [RegistersTwice, SavesButAnswersOk], ids=["second reply", "first reply"])
async def test_cleans_up_even_when_a_check_fails(check_signup, users, consumer):
    """Even when one of your checks fails, the alice it created is deleted (try/finally): a check failing at the"""
    error = await run(check_signup, consumer.as_asgi())
    got = await users()
    assert error is not None, f"expected check_signup() to fail for a consumer that {consumer.__doc__}, but it passed"
    assert got == ["zoe"], (f"expected usernames ['zoe'] after the failed check (a consumer that {consumer.__doc__}), "
                            f"got {got!r}")
