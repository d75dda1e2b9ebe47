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


def crash_advice(error):
    """What a consumer's exception says about the answer, in the learner's terms."""
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, ValueError) and "No handler for message type" in str(error):
        kind = str(error).rsplit(" ", 1)[-1]
        if kind == "team.message":
            return (f"the consumer crashed ({text}): a team.message event runs the method team_message "
                    "(the type with '.' turned into '_'), so the event's type and the method must be team.message "
                    "and team_message")
        return (f"the consumer crashed ({text}): an event of the client's own type {kind!r} reached the group: "
                "build the event from a fixed type and the text only")
    if isinstance(error, KeyError):
        return (f"the consumer crashed ({text}): the client sends {{'text': ...}} and the event carries 'text'; "
                "read that key")
    return f"the consumer crashed ({text})"


async def heard(client, who, where, hint=""):
    """The next JSON message ``who`` gets, or a failure saying nothing came or why the consumer crashed."""
    try:
        return await client.receive_json_from(timeout=2)
    except TimeoutError:
        pytest.fail(f"{who} heard nothing within 2 s {where}{hint}", pytrace=False)
    except Exception as error:  # noqa: BLE001 - a crashed consumer is the mistake
        pytest.fail(f"{who} got no message {where}: {crash_advice(error)}", pytrace=False)


def expect_message(got, who, team, text):
    """Fail naming the wrong part if ``got`` is not exactly {"team": team, "text": text}."""
    expected = {"team": team, "text": text}
    if type(got) is not dict or set(got) != {"team", "text"}:
        pytest.fail(f"{who}: expected exactly {expected!r}, got {got!r}", pytrace=False)
    if got["team"] != team:
        pytest.fail(f"{who}: expected 'team' to be the team from the URL, {team!r}, got {got['team']!r}"
                    + (" (that is the group's name)" if got["team"] == f"team.{team}" else ""), pytrace=False)
    if got["text"] != text:
        pytest.fail(f"{who}: expected 'text' {text!r}, got {got['text']!r}", pytrace=False)


async def test_every_member_hears_a_message_sender_included(app):
    """A message from one member reaches every member of the team, the sender too"""
    ann, ben = await join(app, "red"), await join(app, "red")
    await ann.send_json_to({"text": "go red"})
    for name, client in (("the sender", ann), ("the other member", ben)):
        got = await heard(client, name, "after a member of team red sent 'go red' (does it go to the group?)")
        expect_message(got, name, "red", "go red")
    if not await ann.receive_nothing(timeout=0.2):
        pytest.fail(f"the sender heard its own message twice: the group already includes the sender, so send it "
                    f"only to the group (the second was {await ann.receive_output()!r})", pytrace=False)
    if not await ben.receive_nothing(timeout=0.2):
        pytest.fail(f"the other member heard the message twice: send it to the group once "
                    f"(the second was {await ben.receive_output()!r})", pytrace=False)
    await ann.disconnect()
    await ben.disconnect()


async def test_the_client_cannot_choose_the_event_type(app):
    """A client's own "type" (or other fields) never reaches the group: the event is built by the consumer"""
    ann, ben = await join(app, "teal"), await join(app, "teal")
    await ann.send_json_to({"text": "hi", "type": "websocket.close"})
    for name, client in (("the sender", ann), ("the other member", ben)):
        got = await heard(client, name, "after a client sent {'text': 'hi', 'type': 'websocket.close'}")
        if type(got) is dict and set(got) - {"team", "text"}:
            pytest.fail(f"{name}: the client's own fields reached the others, got {got!r}: build the event from "
                        "a fixed type and the text only", pytrace=False)
        expect_message(got, name, "teal", "hi")
    await ann.disconnect()
    await ben.disconnect()


async def test_another_team_hears_nothing(app):
    """Another team's members hear nothing"""
    red, blue = await join(app, "red"), await join(app, "blue")
    await red.send_json_to({"text": "red only"})
    got = await heard(red, "the red member", "after it sent 'red only'")
    expect_message(got, "the red member", "red", "red only")
    assert await blue.receive_nothing(timeout=0.3), (
        f"expected the blue member to hear nothing, got {await blue.receive_output()!r}")
    await red.disconnect()
    await blue.disconnect()


async def test_code_outside_a_consumer_reaches_the_group_team_name(app):
    """Code outside a consumer reaches members through the group team.<team> and type team.message"""
    member = await join(app, "green")
    await get_channel_layer().group_send("team.green", {"type": "team.message", "text": "from the server"})
    got = await heard(member, "a member of team green", "after a team.message was sent to the group team.green",
                      ": is the group named team.<team>, and the handler team_message?")
    expect_message(got, "a member of team green", "green", "from the server")
    await member.disconnect()


async def test_disconnect_leaves_the_group(app):
    """A member that disconnects leaves the group (group_discard), so the group ends up empty"""
    first, second = await join(app, "gold"), await join(app, "gold")
    await first.disconnect()
    await second.disconnect()
    members = get_channel_layer().groups.get("team.gold", {})
    assert not members, f"expected no members left in group team.gold, got {len(members)}"
