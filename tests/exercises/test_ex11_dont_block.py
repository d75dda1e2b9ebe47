"""ex11: LookupConsumer answers pings at once and runs the blocking slow_lookup without blocking the loop."""

import asyncio
import os
import threading

import pytest
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from channels_lab import run_daphne
from channels_lab.course import EXERCISES_DIR
from channels_lab.grading import SUBMISSION_ENV
from channels_lab.servers import django_env


@pytest.fixture(scope="module")
def module(submission):
    return submission("ex11_dont_block.py")


async def first_reply(client, timeout):
    """The consumer's next text frame; if the consumer crashes first, its exception at once
    (``receive_from`` alone would report a crash only after its whole timeout)."""
    waiting = asyncio.ensure_future(client.receive_from(timeout))
    await asyncio.wait([waiting, client.future], return_when=asyncio.FIRST_COMPLETED)
    if not waiting.done() and client.future.exception() is not None:
        waiting.cancel()
        client.future.result()  # raises what the consumer raised
    return await waiting


async def connected(module):
    client = WebsocketCommunicator(module.LookupConsumer.as_asgi(), "/ws/lookup/")
    accepted, _ = await client.connect()
    assert accepted, "expected the connection to be accepted, it was refused"
    return client


async def answer(client, text, timeout):
    await client.send_to(text_data=text)
    try:
        return await first_reply(client, timeout)
    except TimeoutError:
        pytest.fail(f"sent {text!r}: no answer within {timeout} s", pytrace=False)


async def test_ping_is_answered_with_pong(module):
    """"ping" is answered with "pong\""""
    client = await connected(module)
    got = await answer(client, "ping", timeout=5)
    assert got == "pong", f"expected 'pong', got {got!r}"
    await client.disconnect()


async def test_other_text_is_answered_by_slow_lookup(module):
    """Any other text is answered with slow_lookup(text)"""
    client = await connected(module)
    got = await answer(client, "hello", timeout=module.LOOKUP_SECONDS + 5)
    assert got == "HELLO", f"expected 'HELLO', got {got!r}"
    await client.disconnect()


WAITED = ("bob's ping was not answered while alice's lookup ran: slow_lookup held {where}. It ran either on "
          "the event loop, or on the one thread that every consumer of the process waits for (where "
          "sync_to_async runs a call by default, thread_sensitive=True)")


@pytest.fixture
def lookup_started(module, monkeypatch):
    """A threading.Event set when the consumer's call of slow_lookup starts."""
    started = threading.Event()
    real = module.slow_lookup

    def slow_lookup(text):
        started.set()
        return real(text)

    monkeypatch.setattr(module, "slow_lookup", slow_lookup)
    return started


async def test_a_running_lookup_does_not_make_other_clients_wait(module, lookup_started):
    """While one client's lookup runs, another client's ping is answered at once"""
    alice, bob = await connected(module), await connected(module)
    await alice.send_to(text_data="slow one")
    started = await asyncio.to_thread(lookup_started.wait, 2)  # the ping goes out only once the lookup runs
    await bob.send_to(text_data="ping")
    try:
        pong = await first_reply(bob, timeout=module.LOOKUP_SECONDS / 3)
    except TimeoutError:
        pytest.fail(WAITED.format(where="the thread bob's consumer needed") if started else
                    "alice's text never reached slow_lookup(text)", pytrace=False)
    assert pong == "pong", f"bob expected 'pong', got {pong!r}"
    assert await alice.receive_nothing(timeout=0.01), (
        "alice's answer came before bob's pong: slow_lookup blocked the event loop (call it through sync_to_async)")
    got = await first_reply(alice, timeout=module.LOOKUP_SECONDS + 5)
    assert got == "SLOW ONE", f"alice expected 'SLOW ONE', got {got!r}"
    await alice.disconnect()
    await bob.disconnect()


# daphne imports the submission through this module, which prints a line when slow_lookup starts.
SERVED = """
import os
from channels_lab.grading import load_submission

module = load_submission(os.environ["EX11_FOLDER"], "ex11_dont_block.py")
real_lookup = module.slow_lookup


def slow_lookup(text):
    print("slow_lookup started", flush=True)
    return real_lookup(text)


module.slow_lookup = slow_lookup
application = module.LookupConsumer.as_asgi()
"""


CRASHED = "Exception inside application"


def crash(output):
    """The last line of the first traceback daphne logged: the exception and its message."""
    after = output.split(CRASHED, 1)[1].splitlines()
    return next((line for line in after if line and not line.startswith((" ", "Traceback", "During", "The above"))
                 and ("Error" in line or "Exception" in line)), after[0])


async def test_over_daphne_a_running_lookup_does_not_make_other_clients_wait(module, tmp_path):
    """Over daphne too, while one client's lookup runs, another client's ping is answered at once"""
    client = await connected(module)  # an unsolved or crashing consumer fails here, before daphne starts
    await answer(client, "ping", timeout=5)
    await client.disconnect()
    (tmp_path / "ex11_served.py").write_text(SERVED)
    folder = os.environ.get(SUBMISSION_ENV, str(EXERCISES_DIR))
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path), django_env()["PYTHONPATH"]]), "EX11_FOLDER": folder}
    with run_daphne("ex11_served:application", env=env) as server:
        async with connect(server.ws_url("/ws/lookup/"), open_timeout=5) as alice, \
                connect(server.ws_url("/ws/lookup/"), open_timeout=5) as bob:
            await alice.send("slow one")
            for _ in range(40):  # the ping goes out only once the lookup runs (or after 2 s)
                if "slow_lookup started" in server.output or CRASHED in server.output:
                    break
                await asyncio.sleep(0.05)
            await bob.send("ping")
            try:
                pong = await asyncio.wait_for(bob.recv(), module.LOOKUP_SECONDS / 3)
            except (TimeoutError, ConnectionClosed):
                if CRASHED in server.output:
                    pytest.fail(f"the consumer crashed in daphne: {crash(server.output)}", pytrace=False)
                pytest.fail(WAITED.format(where="daphne's event loop or the thread bob's consumer needed"),
                            pytrace=False)
            assert pong == "pong", f"bob expected 'pong', got {pong!r}"
            got = await asyncio.wait_for(alice.recv(), module.LOOKUP_SECONDS + 5)
            assert got == "SLOW ONE", f"alice expected 'SLOW ONE', got {got!r}"
