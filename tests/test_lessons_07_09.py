"""The lesson apps of notebooks 07–09 behave as the notebooks say (in-process, fast)."""

import os

from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from lessons.nb08_handlers import SafeRelayConsumer, TracingConsumer, UnsafeRelayConsumer
from lessons.nb09_accounts import temporary_database

FAKE = {"type": "relay.announce", "text": "fake"}


async def pair(consumer):
    alice = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    mallory = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    assert (await alice.connect())[0] and (await mallory.connect())[0]
    return alice, mallory


async def test_tracing_consumer_records_dispatch_and_dies_on_an_unknown_type():
    client = WebsocketCommunicator(TracingConsumer.as_asgi(), "/")
    await client.connect()
    channel = (await client.receive_json_from())["channel_name"]
    await get_channel_layer().send(channel, {"type": "chat.message", "text": "x"})
    assert await client.receive_json_from() == {"chat": "x"}
    assert ("chat.message", "chat_message") in TracingConsumer.trace
    await get_channel_layer().send(channel, {"type": "chat.typo"})
    try:
        await client.receive_output(timeout=1)
    except ValueError as error:
        assert "No handler for message type chat.typo" in str(error)
    else:
        raise AssertionError("expected the consumer to die with ValueError")


async def test_unsafe_relay_lets_a_client_run_server_only_handlers_and_stop_members():
    alice, mallory = await pair(UnsafeRelayConsumer)
    await mallory.send_json_to(FAKE)
    assert (await alice.receive_json_from())["from"] == "the ADMINS"
    await mallory.send_json_to({"type": "websocket.disconnect", "code": 1000})
    assert await alice.receive_nothing(timeout=0.3)
    assert alice.future.done()


async def test_safe_relay_ignores_the_client_type():
    alice, mallory = await pair(SafeRelayConsumer)
    await mallory.send_json_to(FAKE)
    assert await alice.receive_json_from() == {"from": "a member", "text": "fake"}
    assert await mallory.receive_json_from() == {"from": "a member", "text": "fake"}
    await mallory.send_json_to({"type": "websocket.disconnect", "code": 1000})
    assert "error" in await mallory.receive_json_from()
    assert not alice.future.done()
    for client in (alice, mallory):
        await client.disconnect()


def test_temporary_database_is_migrated_and_removed():
    with temporary_database({"bob": "builder"}) as path:
        assert os.path.getsize(path) > 0
    assert not os.path.exists(path)
