"""ex08: LobbyConsumer joins "lobby" through `groups`, shares text, refuses bytes with 4003, says goodbye."""

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator


@pytest.fixture(scope="module")
def consumer(submission):
    return submission("ex08_lobby.py").LobbyConsumer


async def member(consumer):
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/lobby/")
    accepted, _ = await client.connect()
    assert accepted, "expected the lobby to accept the connection, it was refused"
    return client


async def heard(client, timeout=1):
    """What the client gets next, "(nothing)" within ``timeout``; a consumer's crash fails the test with its error."""
    try:
        if await client.receive_nothing(timeout):
            if client.future.done() and client.future.exception() is not None:
                raise client.future.exception()
            return "(nothing)"
        return await client.receive_output()
    except AssertionError:
        raise
    except Exception as error:  # noqa: BLE001 - the consumer crashed: its own words name the mistake
        pytest.fail(f"the consumer crashed: {type(error).__name__}: {error}", pytrace=False)


async def test_text_reaches_every_member_including_the_sender(consumer):
    """A text frame reaches everyone in the lobby, the sender included"""
    alice, bob = await member(consumer), await member(consumer)
    await alice.send_to(text_data="hi all")
    for name, client in (("alice (the sender)", alice), ("bob", bob)):
        got = await heard(client)
        want = {"type": "websocket.send", "text": "hi all"}
        assert got == want, f"{name}: expected {want!r}, got {got!r}"
    await alice.disconnect()
    await bob.disconnect()


async def test_lobby_message_events_from_anywhere_reach_members(consumer):
    """An event {"type": "lobby.message", "text": ...} sent to the group "lobby" reaches each member"""
    alice = await member(consumer)
    await get_channel_layer().group_send("lobby", {"type": "lobby.message", "text": "from a view"})
    got = await heard(alice)
    want = {"type": "websocket.send", "text": "from a view"}
    assert got == want, f"expected {want!r}, got {got!r} (is the consumer in the group 'lobby'?)"
    await alice.disconnect()


async def test_leaving_members_leave_the_group(consumer):
    """A member that disconnects is no longer in the group "lobby\""""
    layer = get_channel_layer()
    alice, bob = await member(consumer), await member(consumer)
    members = len(layer.groups.get("lobby", {}))
    assert members == 2, f"expected 2 channels in group 'lobby' with two members connected, got {members}"
    await alice.disconnect()
    await bob.disconnect()
    left = len(layer.groups.get("lobby", {}))
    assert left == 0, f"expected an empty group 'lobby' after both left, got {left} channel(s) still in it"


async def test_binary_frame_closes_with_4003(consumer):
    """A binary frame closes the connection with code 4003"""
    alice = await member(consumer)
    await alice.send_to(bytes_data=b"\x00\x01")
    got = await heard(alice)
    assert isinstance(got, dict) and got.get("type") == "websocket.close" and got.get("code") == 4003, \
        f"expected a websocket.close with code 4003, got {got!r}"
    await alice.disconnect()


async def test_quit_gets_goodbye_then_a_close_only_for_the_sender(consumer):
    """"/quit" is answered with "goodbye" and a close, and the rest of the lobby hears nothing"""
    alice, bob = await member(consumer), await member(consumer)
    await alice.send_to(text_data="/quit")
    got = await heard(bob, timeout=0.3)
    assert got == "(nothing)", f"expected bob to hear nothing of alice's /quit, got {got!r}"
    got = await heard(alice)
    assert got == {"type": "websocket.send", "text": "goodbye"}, f"expected the text 'goodbye', got {got!r}"
    got = await heard(alice)
    closed = isinstance(got, dict) and got.get("type") == "websocket.close"
    assert closed, f"expected the connection to be closed after 'goodbye', got {got!r}"
    await alice.disconnect()
    await bob.disconnect()


def test_it_joins_through_the_groups_attribute(consumer):
    """It joins the lobby through the groups attribute, without overriding websocket_connect or websocket_disconnect"""
    from channels.generic.websocket import WebsocketConsumer

    groups = getattr(consumer, "groups", None)
    assert type(groups) in (list, tuple) and "lobby" in groups, (
        f"expected the class attribute groups to list 'lobby', got {groups!r}")
    overridden = [name for name in ("websocket_connect", "websocket_disconnect")
                  if getattr(consumer, name) is not getattr(WebsocketConsumer, name)]
    assert not overridden, (f"the task asks not to override {overridden}: the groups attribute makes the base "
                            "class join and leave for you")
