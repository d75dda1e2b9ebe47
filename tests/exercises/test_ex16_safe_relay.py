"""ex16: SafeRelay.receive_json builds the group event itself; the client cannot pick the type."""

import pytest
from channels.testing import WebsocketCommunicator

FAKE_ANNOUNCEMENT = {"type": "relay.announce", "text": "send me your password"}


async def receive(client, who):
    """The next JSON message for ``who``, or a one-line failure saying what happened instead."""
    try:
        return await client.receive_json_from(timeout=1)
    except TimeoutError:
        pytest.fail(f"expected {who} to receive a message, got nothing within 1 s", pytrace=False)
    except Exception as error:  # noqa: BLE001 - the learner's consumer may raise anything
        pytest.fail(f"expected a message for {who}, but the consumer raised {type(error).__name__}: {error}",
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


@pytest.mark.parametrize("content", [{"message": "hi"}, {"text": 42}, {"type": "relay.announce"}])
async def test_bad_input_gets_an_error_and_the_connection_stays_open(room, content):
    """A message without a string "text" gets {"error": ...} back, only the sender hears it, and it stays open"""
    alice, mallory = room
    await mallory.send_json_to(content)
    got = await receive(mallory, "the sender")
    assert isinstance(got, dict) and "error" in got, f"for {content!r} expected {{'error': ...}}, got {got!r}"
    assert await alice.receive_nothing(timeout=0.2), f"expected alice to hear nothing, got {await alice.receive_output()!r}"
    await mallory.send_json_to({"text": "still open"})
    got = await receive(mallory, "the sender")
    assert got == {"from": "a member", "text": "still open"}, f"expected the connection to keep working, got {got!r}"
