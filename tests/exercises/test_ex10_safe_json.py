"""ex10: CommandConsumer answers every frame: a result for a valid command, an error code for anything else."""

import json

import pytest
from channels.testing import WebsocketCommunicator


@pytest.fixture(scope="module")
def consumer(submission):
    return submission("ex10_safe_json.py").CommandConsumer


async def answers(consumer, *frames):
    """Send each raw text frame on one connection; return the decoded answers, failing if the consumer crashed."""
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/commands/")
    accepted, _ = await client.connect(timeout=1)
    assert accepted, "expected the consumer to accept the connection"
    got = []
    try:
        for frame in frames:
            await client.send_input({"type": "websocket.receive", "text": frame})  # "" too
            if await client.receive_nothing(timeout=0.5):
                if client.future.done() and client.future.exception() is not None:
                    raise client.future.exception()
                pytest.fail(f"after {frame!r} expected one answer, got nothing within 0.5 s", pytrace=False)
            output = await client.receive_output(timeout=1)
            if output.get("type") == "websocket.close":
                pytest.fail(f"after {frame!r} the consumer closed the connection (code {output.get('code')}): "
                            "a bad message gets an error answer and the connection stays open", pytrace=False)
            got.append(json.loads(output["text"]))
    except AssertionError:
        raise
    except Exception as error:  # noqa: BLE001 - a crash is the mistake being reported
        pytest.fail(f"after {frames[len(got)]!r} the consumer crashed with {type(error).__name__}: {error}; "
                    "a bad message gets an error answer and the connection stays open", pytrace=False)
    await client.disconnect()
    return got


def command(**fields):
    return json.dumps(fields)


@pytest.mark.parametrize("message, result", [
    ({"id": 1, "cmd": "add", "args": {"a": 2, "b": 3}}, 5),
    ({"id": 2, "cmd": "echo", "args": {"text": "héllo"}}, "héllo"),
    ({"id": 30, "cmd": "repeat", "args": {"times": 3, "text": "ab"}}, "ababab"),
    ({"id": -4, "cmd": "add", "args": {"a": -1, "b": 1}}, 0),
    ({"id": 5, "cmd": "repeat", "args": {"text": "", "times": 1000}}, ""),
], ids=["add", "echo", "repeat", "negative id", "repeat at the limit"])
async def test_a_valid_command_gets_its_result(consumer, message, result):
    """A valid command is answered {"id": ..., "ok": true, "result": ...}"""
    [got] = await answers(consumer, json.dumps(message))
    want = {"id": message["id"], "ok": True, "result": result}
    assert got == want, f"for {message} expected {want}, got {got}"


BAD = {
    "not JSON": ("{nope", None, "bad-json"),
    "empty text": ("", None, "bad-json"),
    "nested too deep": ("[" * 100_000 + "]" * 100_000, None, "bad-json"),
    "a list": ("[1, 2]", None, "not-an-object"),
    "null": ("null", None, "not-an-object"),
    "a string": ('"add"', None, "not-an-object"),
    "no id": (command(cmd="add", args={"a": 1, "b": 2}), None, "bad-id"),
    "a string id": (command(id="7", cmd="add", args={"a": 1, "b": 2}), None, "bad-id"),
    "a bool id": (command(id=True, cmd="add", args={"a": 1, "b": 2}), None, "bad-id"),
    "a float id": (command(id=7.0, cmd="add", args={"a": 1, "b": 2}), None, "bad-id"),
    "no cmd": (command(id=7, args={}), 7, "unknown-command"),
    "an unknown cmd": (command(id=7, cmd="delete", args={}), 7, "unknown-command"),
    "a cmd that is a list": (command(id=7, cmd=["add"], args={}), 7, "unknown-command"),
    "an extra key in the message": (command(id=7, cmd="echo", args={"text": "x"}, admin=True), 7,
                                    "unexpected-field"),
    "args that are a list": (command(id=7, cmd="echo", args=["x"]), 7, "unexpected-field"),
    "an argument the command does not take": (command(id=7, cmd="echo", args={"text": "x", "loud": True}), 7,
                                              "unexpected-field"),
    "a missing argument": (command(id=7, cmd="add", args={"a": 1}), 7, "missing-field"),
    "no args at all": (command(id=7, cmd="echo"), 7, "missing-field"),
    "a str where an int is due": (command(id=7, cmd="add", args={"a": "1", "b": 2}), 7, "wrong-type"),
    "true where an int is due (a bool is not an int)": (command(id=7, cmd="add", args={"a": True, "b": 2}), 7,
                                                        "wrong-type"),
    "2.0 where an int is due": (command(id=7, cmd="repeat", args={"text": "x", "times": 2.0}), 7, "wrong-type"),
    "null where a str is due": (command(id=7, cmd="echo", args={"text": None}), 7, "wrong-type"),
    "times of 2**63 (it would crash str * int)": (command(id=7, cmd="repeat", args={"text": "x", "times": 2**63}), 7,
                                                  "out-of-range"),
    "times of 1001": (command(id=7, cmd="repeat", args={"text": "x", "times": 1001}), 7, "out-of-range"),
    "times of -1": (command(id=7, cmd="repeat", args={"text": "x", "times": -1}), 7, "out-of-range"),
}


@pytest.mark.parametrize("frame, message_id, code", BAD.values(), ids=BAD.keys())
async def test_a_bad_message_gets_its_error_code(consumer, frame, message_id, code, request):
    """A bad message is answered {"id": ..., "ok": false, "error": <code>} and the connection stays open"""
    what = request.node.callspec.id
    got, after = await answers(consumer, frame, command(id=99, cmd="echo", args={"text": "still here"}))
    want = {"id": message_id, "ok": False, "error": code}
    assert got == want, f"for {what} expected {want}, got {got}"
    assert after == {"id": 99, "ok": True, "result": "still here"}, \
        f"after {what} the next valid command should work, got {after}"


async def test_the_first_problem_decides_the_code(consumer):
    """When several things are wrong, the first in the task's order decides the code"""
    got = await answers(consumer,
                        command(cmd="delete"),                                     # no id and unknown cmd
                        command(id=1, cmd="delete", args={"x": 1}),                # unknown cmd and extra arg
                        command(id=2, cmd="add", args={"a": "1", "c": 3}),         # unexpected before missing
                        command(id=3, cmd="add", args={"a": "1"}))                 # missing before wrong type
    codes = [answer.get("error") for answer in got]
    want = ["bad-id", "unknown-command", "unexpected-field", "missing-field"]
    assert codes == want, f"expected the codes {want}, got {codes}"


async def test_a_binary_frame_closes_with_4003(consumer):
    """A binary frame closes the connection with code 4003"""
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/commands/")
    await client.connect(timeout=1)
    await client.send_to(bytes_data=b'{"id": 1}')
    try:
        got = await client.receive_output(timeout=1)
    except Exception as error:  # noqa: BLE001 - a crash is the mistake being reported
        pytest.fail(f"after a binary frame the consumer crashed with {type(error).__name__}: {error}", pytrace=False)
    assert got.get("type") == "websocket.close" and got.get("code") == 4003, \
        f"expected a websocket.close with code 4003, got {got!r}"
    await client.disconnect()
