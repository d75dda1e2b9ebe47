"""Every demo consumer, in-process, through the project's whole ASGI application."""

import json

import pytest
from channels.testing import WebsocketCommunicator

from channels_lab.testing import DEMO_ORIGIN
from demo_project.asgi import application


async def connected(path):
    """A communicator connected to ``path`` the way a page from the demo's host would connect."""
    communicator = WebsocketCommunicator(application, path, headers=[DEMO_ORIGIN])
    accepted, _ = await communicator.connect()
    assert accepted, f"{path} refused the connection"
    return communicator


async def test_echo_returns_text_and_bytes_unchanged():
    client = await connected("/ws/echo/")
    await client.send_to(text_data="你好, Channels")
    assert await client.receive_from() == "你好, Channels"
    await client.send_to(bytes_data=b"\x00\xff")
    assert await client.receive_output() == {"type": "websocket.send", "bytes": b"\x00\xff"}
    await client.disconnect()


async def test_group_message_reaches_every_member_including_sender():
    alice, bob = await connected("/ws/group/"), await connected("/ws/group/")
    await alice.send_to(text_data="hello f1")
    assert await alice.receive_from() == "hello f1"
    assert await bob.receive_from() == "hello f1"
    await alice.disconnect()
    await bob.send_to(text_data="alice left")
    assert await bob.receive_from() == "alice left"
    await bob.disconnect()


async def test_group_refuses_binary_with_a_message_and_stays_open():
    client = await connected("/ws/group/")
    await client.send_to(bytes_data=b"\x01")
    assert (await client.receive_from()).startswith("error:")
    await client.send_to(text_data="still here")
    assert await client.receive_from() == "still here"
    await client.disconnect()


@pytest.mark.parametrize(
    "command, reply",
    [
        ({"action": "ping"}, {"action": "pong"}),
        ({"action": "echo", "text": "hi"}, {"action": "echo", "text": "hi"}),
        ({"action": "add", "numbers": [1, 2, 3.5]}, {"action": "add", "result": 6.5}),
    ],
)
async def test_commands_answer(command, reply):
    client = await connected("/ws/commands/")
    await client.send_json_to(command)
    assert await client.receive_json_from() == reply
    await client.disconnect()


@pytest.mark.parametrize(
    "frame, error_starts",
    [
        ({"text": "{not json"}, "malformed JSON"),
        ({"text": ""}, "malformed JSON"),
        ({"bytes": b"\x00"}, "binary frames are not accepted"),
        ({"text": "[1, 2]"}, "expected a JSON object"),
        ({"text": json.dumps({"action": "fly"})}, "unknown action 'fly'"),
        ({"text": json.dumps({"action": "add", "numbers": "12"})}, "add needs"),
        ({"text": json.dumps({"action": "add", "numbers": [True]})}, "add needs"),
    ],
)
async def test_commands_answer_bad_input_with_an_error_and_keep_serving(frame, error_starts):
    client = await connected("/ws/commands/")
    await client.send_input({"type": "websocket.receive", **frame})  # also sends empty frames
    reply = await client.receive_json_from()
    assert reply["error"].startswith(error_starts), reply
    await client.send_json_to({"action": "ping"})
    assert await client.receive_json_from() == {"action": "pong"}
    await client.disconnect()


async def test_room_members_see_each_other_and_other_rooms_do_not():
    alice, bob = await connected("/ws/rooms/lobby/"), await connected("/ws/rooms/lobby/")
    stranger = await connected("/ws/rooms/kitchen/")
    await alice.send_json_to({"message": "hi bob"})
    expected = {"type": "message", "user": "anonymous", "message": "hi bob"}
    assert await alice.receive_json_from() == expected
    assert await bob.receive_json_from() == expected
    assert await stranger.receive_nothing()
    for client in (alice, bob, stranger):
        await client.disconnect()


@pytest.mark.parametrize(
    "frame, error_starts",
    [
        ({"text": "{oops"}, "malformed JSON"),
        ({"bytes": b"hi"}, "binary frames"),
        ({"text": json.dumps({"message": "   "})}, "send {"),
        ({"text": json.dumps({"message": "x" * 1001})}, "messages are limited"),
    ],
)
async def test_room_rejects_bad_messages_only_to_the_sender(frame, error_starts):
    sender, listener = await connected("/ws/rooms/lobby/"), await connected("/ws/rooms/lobby/")
    await sender.send_input({"type": "websocket.receive", **frame})
    reply = await sender.receive_json_from()
    assert reply["type"] == "error" and reply["error"].startswith(error_starts), reply
    assert await listener.receive_nothing()
    await sender.disconnect()
    await listener.disconnect()


async def test_unknown_path_is_an_error_naming_the_path():
    client = WebsocketCommunicator(application, "/ws/nowhere/", headers=[DEMO_ORIGIN])
    with pytest.raises(ValueError, match="No route found for path 'ws/nowhere/'"):
        await client.connect()


@pytest.mark.parametrize("headers", [[], [(b"origin", b"http://evil.example")]], ids=["no-origin", "foreign"])
async def test_connections_without_the_demos_origin_are_refused(headers):
    client = WebsocketCommunicator(application, "/ws/echo/", headers=headers)
    accepted, code = await client.connect()
    assert not accepted
    await client.disconnect()
