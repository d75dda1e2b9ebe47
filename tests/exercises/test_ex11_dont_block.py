"""ex11: LookupConsumer answers pings at once and runs the blocking slow_lookup without blocking the loop."""

import asyncio

import pytest
from channels.testing import WebsocketCommunicator


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


async def test_a_running_lookup_does_not_make_other_clients_wait(module):
    """While one client's lookup runs, another client's ping is answered first"""
    alice, bob = await connected(module), await connected(module)
    await alice.send_to(text_data="slow one")
    pong = await answer(bob, "ping", timeout=module.LOOKUP_SECONDS + 5)
    assert pong == "pong", f"bob expected 'pong', got {pong!r}"
    alice_already_answered = not await alice.receive_nothing(timeout=0.01)
    assert not alice_already_answered, (
        "expected bob's pong while alice's lookup was still running, but alice's answer came first: "
        "slow_lookup blocked the event loop (run it with sync_to_async)")
    got = await first_reply(alice, timeout=module.LOOKUP_SECONDS + 5)
    assert got == "SLOW ONE", f"alice expected 'SLOW ONE', got {got!r}"
    await alice.disconnect()
    await bob.disconnect()
