"""ex13: TeamConsumer, a chat per team on channel-layer groups (in-process, in-memory layer)."""

import pytest
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path


@pytest.fixture
def app(submission):
    consumer = submission("ex13_team_chat.py").TeamConsumer
    return URLRouter([path("ws/teams/<slug:team>/", consumer.as_asgi())])


async def join(app, team):
    client = WebsocketCommunicator(app, f"/ws/teams/{team}/")
    connected, _ = await client.connect(timeout=1)
    assert connected, f"expected /ws/teams/{team}/ to accept the connection, but it was refused"
    return client


async def heard(client, who, where):
    """The next JSON message ``who`` gets, or a failure saying nothing came."""
    try:
        return await client.receive_json_from(timeout=2)
    except TimeoutError:
        pytest.fail(f"{who} heard nothing within 2 s {where}", pytrace=False)


async def test_every_member_hears_a_message_sender_included(app):
    """A message from one member reaches every member of the team, the sender too"""
    ann, ben = await join(app, "red"), await join(app, "red")
    await ann.send_json_to({"text": "go red"})
    for name, client in (("the sender", ann), ("the other member", ben)):
        got = await heard(client, name, "after a member of team red sent 'go red' (does it go to the group?)")
        assert got == {"team": "red", "text": "go red"}, (
            f"{name}: expected {{'team': 'red', 'text': 'go red'}}, got {got!r}")
    await ann.disconnect()
    await ben.disconnect()


async def test_the_client_cannot_choose_the_event_type(app):
    """A client's own "type" (or other fields) never reaches the group: the event is built by the consumer"""
    ann, ben = await join(app, "teal"), await join(app, "teal")
    await ann.send_json_to({"text": "hi", "type": "websocket.close"})
    for name, client in (("the sender", ann), ("the other member", ben)):
        try:
            got = await client.receive_json_from(timeout=2)
        except Exception as error:  # noqa: BLE001 - a crashed consumer is the mistake
            pytest.fail(f"{name} got no message after a client sent its own 'type' ({type(error).__name__}: "
                        f"{error}): build the event from a fixed type and the text only", pytrace=False)
        assert got == {"team": "teal", "text": "hi"}, (
            f"{name}: expected {{'team': 'teal', 'text': 'hi'}}, got {got!r}: build the event from a fixed "
            "type and the text only")
    await ann.disconnect()
    await ben.disconnect()


async def test_another_team_hears_nothing(app):
    """Another team's members hear nothing"""
    red, blue = await join(app, "red"), await join(app, "blue")
    await red.send_json_to({"text": "red only"})
    got = await red.receive_json_from(timeout=2)
    assert got == {"team": "red", "text": "red only"}, f"expected the red member to hear its message, got {got!r}"
    assert await blue.receive_nothing(timeout=0.3), (
        f"expected the blue member to hear nothing, got {await blue.receive_output()!r}")
    await red.disconnect()
    await blue.disconnect()


async def test_code_outside_a_consumer_reaches_the_group_team_name(app):
    """Code outside a consumer reaches members through the group team.<team> and type team.message"""
    member = await join(app, "green")
    await get_channel_layer().group_send("team.green", {"type": "team.message", "text": "from the server"})
    got = await heard(member, "a member of team green", "of a team.message sent to the group team.green: "
                      "is the group named team.<team>, and the handler team_message?")
    assert got == {"team": "green", "text": "from the server"}, (
        f"expected {{'team': 'green', 'text': 'from the server'}}, got {got!r}")
    await member.disconnect()


async def test_disconnect_leaves_the_group(app):
    """A member that disconnects leaves the group (group_discard), so the group ends up empty"""
    first, second = await join(app, "gold"), await join(app, "gold")
    await first.disconnect()
    await second.disconnect()
    members = get_channel_layer().groups.get("team.gold", {})
    assert not members, f"expected no members left in group team.gold, got {len(members)}"
