"""The lesson code of notebooks 08 and 09, loaded from the notebooks' sources, behaves as the notebooks say."""

import asyncio
import json

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from channels_lab import lesson, run_daphne

FAKE = {"type": "relay.announce", "text": "fake"}


@pytest.fixture
def nb08():
    with lesson.from_notebook("08") as lessons:
        yield lessons.modules["lesson"].module
    lesson.use(None)


async def pair(consumer):
    alice = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    mallory = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    assert (await alice.connect())[0] and (await mallory.connect())[0]
    return alice, mallory


async def test_tracing_consumer_records_dispatch_and_dies_on_an_unknown_type(nb08):
    client = WebsocketCommunicator(nb08.TracingConsumer.as_asgi(), "/")
    await client.connect()
    channel = (await client.receive_json_from())["channel_name"]
    await get_channel_layer().send(channel, {"type": "chat.message", "text": "x"})
    assert await client.receive_json_from() == {"chat": "x"}
    assert ("chat.message", "chat_message") in nb08.TracingConsumer.trace
    await get_channel_layer().send(channel, {"type": "chat.typo"})
    with pytest.raises(ValueError, match="No handler for message type chat.typo"):
        await client.wait(timeout=1)


async def test_over_daphne_a_typo_in_a_group_event_closes_every_member_with_1011(nb08):
    with run_daphne("lesson:application") as server:
        members = [await connect(server.ws_url("/ws/typo/")) for _ in range(3)]
        await members[0].send(json.dumps({"text": "hello"}))
        for member in members:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(member.recv(), timeout=5)
            assert closed.value.rcvd.code == 1011


async def test_unsafe_relay_lets_a_client_run_server_only_handlers_and_stop_members(nb08):
    alice, mallory = await pair(nb08.UnsafeRelayConsumer)
    await mallory.send_json_to(FAKE)
    assert (await alice.receive_json_from())["from"] == "the ADMINS"
    await mallory.send_json_to({"type": "websocket.disconnect", "code": 1000})
    assert await alice.receive_nothing(timeout=0.3)
    assert alice.future.done()


@pytest.mark.parametrize("bad", [{"type": "websocket.disconnect", "code": 1000}, ["hi"], None, {"text": 3}])
async def test_safe_relay_ignores_the_client_type_and_answers_bad_input_with_an_error(nb08, bad):
    alice, mallory = await pair(nb08.SafeRelayConsumer)
    await mallory.send_json_to(FAKE)
    assert await alice.receive_json_from() == {"from": "a member", "text": "fake"}
    assert await mallory.receive_json_from() == {"from": "a member", "text": "fake"}
    await mallory.send_json_to(bad)
    assert "error" in await mallory.receive_json_from()
    assert await alice.receive_nothing(timeout=0.1)
    assert not alice.future.done()
    for client in (alice, mallory):
        await client.disconnect()


async def test_action_relay_maps_only_listed_actions_to_server_chosen_types(nb08):
    alice, mallory = await pair(nb08.ActionRelayConsumer)
    await mallory.send_json_to({"action": "say", "text": "hi"})
    assert await alice.receive_json_from() == {"from": "a member", "text": "hi"}
    await mallory.receive_json_from()
    for refused in ({"action": "relay.announce", "text": "x"}, {"action": "announce"}, {"type": "relay.announce"}, [1]):
        await mallory.send_json_to(refused)
        assert "error" in await mallory.receive_json_from()
    assert await alice.receive_nothing(timeout=0.1)
    for client in (alice, mallory):
        await client.disconnect()
