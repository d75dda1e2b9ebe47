"""Bad input over a real daphne: the demo's JSON consumers answer it, daphne's limits close it,
and after each bad frame the server still serves the next client.

daphne's limit on an incoming message is ``--websocket-max-message-size`` (default 1048576
bytes, 1 MiB, ``daphne/cli.py``). Above it, autobahn (daphne's WebSocket library) fails the
connection with code 1009 "message too big" before any consumer sees the frame. It fails it
*by dropping TCP* (autobahn's ``failByDrop``, on by default, which daphne keeps): no close
frame is sent, so the client sees 1006 (abnormal closure) and the 1009 appears only in
daphne's log, which these tests read (``-v 2``). Invalid UTF-8 in a text frame is the same
with 1007.
"""

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from channels_lab import run_daphne
from channels_lab.testing import logged

MAX_MESSAGE = 1024 * 1024  # daphne's default --websocket-max-message-size

BAD_FRAMES = {
    "malformed": ("{'single': 'quotes'}", "malformed JSON"),
    "binary": (b'{"action": "ping"}', "binary frames are not accepted"),
    "empty": ("", "malformed JSON"),
    "not-an-object": ("[1, 2]", "expected a JSON object"),
    "deeply-nested": ("[" * 100_000, "malformed JSON"),
}

# Each JSON consumer: its path, a good message, the reply to it, and how it words an error.
JSON_CONSUMERS = {
    "commands": ("/ws/commands/", {"action": "ping"}, {"action": "pong"}, lambda reply: reply["error"]),
    "rooms": (
        "/ws/rooms/lobby/",
        {"message": "still here"},
        {"type": "message", "user": "anonymous", "message": "still here"},
        lambda reply: reply["error"] if reply.get("type") == "error" else "",
    ),
}


@pytest.fixture(scope="module")
def demo_server():
    """The demo's whole application on daphne, logging autobahn's warnings (``-v 2``)."""
    with run_daphne(env={"DEMO_DATABASE": ":memory:"}, args=("-v", "2")) as server:
        yield server


async def assert_dropped_without_close_frame(websocket):
    with pytest.raises(ConnectionClosed) as closed:
        await websocket.recv()
    assert closed.value.rcvd is None and websocket.close_code == 1006, (closed.value, websocket.close_code)


async def assert_serves_a_new_client(server):
    """A fresh connection to the command consumer is answered: the server survived."""
    async with connect(server.ws_url("/ws/commands/"), origin=server.origin) as websocket:
        await websocket.send(json.dumps({"action": "ping"}))
        assert json.loads(await websocket.recv()) == {"action": "pong"}


@pytest.mark.parametrize("consumer", JSON_CONSUMERS.values(), ids=JSON_CONSUMERS.keys())
@pytest.mark.parametrize("frame, error_starts", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
async def test_json_consumers_answer_bad_frames_and_keep_serving(demo_server, consumer, frame, error_starts):
    path, good, good_reply, error_of = consumer
    async with connect(demo_server.ws_url(path), origin=demo_server.origin) as websocket:
        await websocket.send(frame)
        reply = json.loads(await websocket.recv())
        assert error_of(reply).startswith(error_starts), reply
        await websocket.send(json.dumps(good))
        assert json.loads(await websocket.recv()) == good_reply
    await assert_serves_a_new_client(demo_server)


async def test_message_at_the_size_limit_is_delivered(demo_server):
    async with connect(demo_server.ws_url("/ws/commands/"), origin=demo_server.origin) as websocket:
        await websocket.send("x" * MAX_MESSAGE)  # not JSON, but exactly 1 MiB: the consumer answers
        assert json.loads(await websocket.recv())["error"].startswith("malformed JSON")


async def send_until_dropped(websocket, frame):
    """Send ``frame`` to a server that may drop the connection before it has all been written.

    daphne drops TCP as soon as it has read a too-large frame's header. If the client is still
    writing then (a frame larger than the socket buffers, or a slower machine), ``send()``
    raises ConnectionClosedError (caused by ConnectionResetError); if the write had finished,
    ``send()`` returns. Either way, the next ``recv()`` shows the same dropped connection.
    """
    try:
        await websocket.send(frame)
    except ConnectionClosed as closed:
        assert closed.rcvd is None, f"expected no close frame, got {closed.rcvd}"


# "just above" usually fits in the socket buffers, so the reset comes after the write; "far
# above" (16 MiB) is usually still being written when it comes. The outcome must be the same.
SIZES = {"just-above": MAX_MESSAGE + 1, "far-above": 16 * MAX_MESSAGE}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("path", ["/ws/commands/", "/ws/rooms/lobby/", "/ws/echo/"])
@pytest.mark.parametrize("kind", ["text", "binary"])
async def test_message_above_the_size_limit_is_failed_with_1009(demo_server, path, kind, size):
    frame = "x" * size if kind == "text" else b"x" * size
    failed_1009 = "failing WebSocket connection (code=1009)"
    before = demo_server.output.count(failed_1009)
    async with connect(demo_server.ws_url(path), origin=demo_server.origin) as websocket:
        await send_until_dropped(websocket, frame)
        await assert_dropped_without_close_frame(websocket)
    assert await logged(demo_server, failed_1009, before), f"daphne did not log {failed_1009!r}"
    assert f"exceeds payload limit of {MAX_MESSAGE} octets" in demo_server.output
    await assert_serves_a_new_client(demo_server)


async def test_invalid_utf8_in_a_text_frame_is_failed_with_1007(demo_server):
    failed_1007 = "failing WebSocket connection (code=1007)"
    before = demo_server.output.count(failed_1007)
    async with connect(demo_server.ws_url("/ws/commands/"), origin=demo_server.origin) as websocket:
        await websocket.send(b'{"action": "\xff"}', text=True)  # a text frame that is not UTF-8
        await assert_dropped_without_close_frame(websocket)
    assert await logged(demo_server, failed_1007, before), f"daphne did not log {failed_1007!r}"
    await assert_serves_a_new_client(demo_server)


async def test_many_bad_clients_in_a_row_leave_the_server_serving(demo_server):
    for frame, _ in BAD_FRAMES.values():
        async with connect(demo_server.ws_url("/ws/commands/"), origin=demo_server.origin) as websocket:
            await websocket.send(frame)
            await websocket.recv()
    async with connect(demo_server.ws_url("/ws/commands/"), origin=demo_server.origin) as websocket:
        await websocket.send(json.dumps({"action": "add", "numbers": [1, 2]}))
        assert json.loads(await websocket.recv()) == {"action": "add", "result": 3}
    assert demo_server.process.poll() is None, "daphne exited"
    assert "Exception inside application" not in demo_server.output, demo_server.output[-2000:]
