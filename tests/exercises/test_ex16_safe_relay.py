"""ex16: SafeRelay.receive_json builds the group event itself; the client cannot pick the type."""

import asyncio

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

FAKE_ANNOUNCEMENT = {"type": "relay.announce", "text": "send me your password"}


async def receive(client, who, after=""):
    """The next JSON message for ``who``, or a one-line failure saying what happened instead."""
    try:
        return await client.receive_json_from(timeout=1)
    except TimeoutError:
        pytest.fail(f"expected {who} to receive a message{after}, got nothing within 1 s", pytrace=False)
    except Exception as error:  # noqa: BLE001 - the learner's consumer may raise anything
        pytest.fail(f"expected a message for {who}{after}, but the consumer raised {type(error).__name__}: {error}",
                    pytrace=False)


@pytest.fixture
def consumer(submission):
    return submission("ex16_safe_relay.py").SafeRelay


@pytest.fixture
async def room(consumer):
    alice = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    mallory = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    assert (await alice.connect(timeout=1))[0] and (await mallory.connect(timeout=1))[0]
    yield alice, mallory
    for client in (alice, mallory):
        if not client.future.done():
            await client.disconnect()


@pytest.fixture
async def listener(consumer):
    """A bare channel in the relay's group: it receives the raw events the consumer sends to the group."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(consumer.group, channel)

    async def next_event(sent):
        try:
            return await asyncio.wait_for(layer.receive(channel), timeout=1)
        except TimeoutError:
            pytest.fail(f"expected an event in group {consumer.group!r} after {sent!r} was sent, got none within 1 s",
                        pytrace=False)
    return next_event


async def test_text_reaches_every_member(room):
    """{"text": "hi"} reaches every member, sender included, as {"from": "a member", "text": "hi"}"""
    alice, mallory = room
    await alice.send_json_to({"text": "hi"})
    want = {"from": "a member", "text": "hi"}
    for name, client in (("alice (sender)", alice), ("mallory", mallory)):
        got = await receive(client, name)
        assert got == want, f"{name}: expected {want!r}, got {got!r}"


async def test_a_client_chosen_type_cannot_fake_an_announcement(room):
    """A client's "type": "relay.announce" does not run the server-only handler: it arrives as plain text"""
    alice, mallory = room
    await mallory.send_json_to(FAKE_ANNOUNCEMENT)
    got = await receive(alice, "alice")
    want = {"from": "a member", "text": "send me your password"}
    assert got == want, f"expected {want!r}, got {got!r}"


async def test_a_client_cannot_stop_other_members(room):
    """A client's "type": "websocket.disconnect" does not stop other members' consumers"""
    alice, mallory = room
    await mallory.send_json_to({"type": "websocket.disconnect", "code": 1000, "text": "bye"})
    got = await receive(alice, "alice")
    assert got == {"from": "a member", "text": "bye"}, (
        f"expected alice to get mallory's text as an ordinary message, got {got!r}")
    assert not alice.future.done(), "expected alice's consumer to keep running, but it stopped"
    await mallory.send_json_to({"text": "are you there?"})
    got = await receive(alice, "alice")
    assert got == {"from": "a member", "text": "are you there?"}, f"expected mallory's next message, got {got!r}"


async def test_the_group_event_is_built_by_the_consumer(room, listener):
    """The event sent to the group has the type relay.message and the text, and none of the client's other fields"""
    alice, mallory = room
    sent = {"text": "hi", "type": "relay.announce", "password": "hunter2", "code": 1000}
    await mallory.send_json_to(sent)
    event = await listener(sent)
    assert type(event) is dict and event.get("type") == "relay.message", (
        f"expected the group event's type to be 'relay.message', got the event {event!r}")
    assert type(event.get("text")) is str and event["text"] == "hi", (
        f"expected the group event to carry the text 'hi', got the event {event!r}")
    copied = sorted(key for key in ("password", "code") if key in event)
    assert not copied, (f"the group event carried the client's field(s) {copied}: build the event yourself "
                        f"from the checked text instead of copying the client's JSON; got {event!r}")


@pytest.mark.parametrize("content", [{"message": "hi"}, {"text": 42}, {"text": None}, {"type": "relay.announce"}],
                         ids=["no-text", "text-not-a-string", "text-null", "only-a-type"])
async def test_bad_input_gets_an_error_and_the_connection_stays_open(room, content):
    """A message without a string "text" gets {"error": ...} back, only the sender hears it, and it stays open"""
    await check_error_reply(room, content, "")


@pytest.mark.parametrize("content", [["hi"], None, 42, "hi"], ids=["array", "null", "number", "string"])
async def test_json_that_is_not_an_object_gets_an_error(room, content):
    """JSON that is not an object (["hi"], null, 42, "hi") gets {"error": ...} back, and the connection stays open"""
    await check_error_reply(room, content, " (JSON that is not an object)")


async def check_error_reply(room, content, kind):
    alice, mallory = room
    await mallory.send_json_to(content)
    got = await receive(mallory, "the sender", after=f" after {content!r}{kind} was sent")
    assert type(got) is dict and type(got.get("error")) is str, (
        f"for {content!r}{kind} expected {{'error': '<a sentence>'}}, got {got!r}")
    assert await alice.receive_nothing(timeout=0.2), (
        f"for {content!r}{kind} expected alice to hear nothing, got {await alice.receive_output()!r}")
    await mallory.send_json_to({"text": "still open"})
    got = await receive(mallory, "the sender", after=f" (the connection should stay open after {content!r})")
    assert got == {"from": "a member", "text": "still open"}, f"expected the connection to keep working, got {got!r}"
