"""ex10: SafeEchoConsumer answers bad text with {"error": ...}, closes with 4003 on bytes, echoes objects."""

import asyncio
import json

import pytest
from channels.testing import WebsocketCommunicator


@pytest.fixture(scope="module")
def consumer(submission):
    return submission("ex10_safe_json.py").SafeEchoConsumer


async def connected(consumer):
    client = WebsocketCommunicator(consumer.as_asgi(), "/ws/safe/")
    accepted, _ = await client.connect()
    assert accepted, "expected the connection to be accepted, it was refused"
    return client


async def reply_to(client, frame):
    """Send one raw frame; return what the consumer sent back, or fail saying it crashed."""
    await client.send_input({"type": "websocket.receive", **frame})
    try:
        # receive_output() alone would report a crashed consumer only after its whole timeout
        waiting = asyncio.ensure_future(client.receive_output(timeout=5))
        await asyncio.wait([waiting, client.future], return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done() and client.future.exception() is not None:
            waiting.cancel()
            client.future.result()  # raises what the consumer raised
        return await waiting
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - the learner's consumer crashed: say how
        sent = repr(frame)
        sent = sent if len(sent) < 50 else sent[:40] + "...(cut)"
        pytest.fail(f"sent {sent}: the consumer crashed with {type(error).__name__}: {str(error)[:80]}",
                    pytrace=False)


async def test_echoes_json_objects(consumer):
    """A JSON object is echoed back as {"echo": ...}"""
    client = await connected(consumer)
    got = await reply_to(client, {"text": '{"action": "ping", "n": [1, 2]}'})
    want = {"type": "websocket.send", "text": '{"echo": {"action": "ping", "n": [1, 2]}}'}
    assert got == want, f"expected {want!r}, got {got!r}"
    await client.disconnect()


BAD_TEXT = {
    "malformed": "{'single': 'quotes'}",
    "empty": "",
    "deeply-nested": "[" * 100_000 + "]" * 100_000,
    "a-number": "42",
    "a-list": "[1, 2]",
    "null": "null",
}


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
async def test_bad_text_gets_an_error_and_the_connection_keeps_serving(consumer, text):
    """Bad text (malformed, empty, too deep, not an object) is answered with {"error": ...} and the next message still works"""
    client = await connected(consumer)
    got = await reply_to(client, {"text": text})
    reply = json.loads(got["text"]) if got.get("type") == "websocket.send" and got.get("text") else got
    assert isinstance(reply, dict) and isinstance(reply.get("error"), str) and reply["error"].strip(), (
        f"sent {text[:30]!r}: expected a reply like {{'error': 'what is wrong'}}, got {got!r}")
    got = await reply_to(client, {"text": '{"still": "here"}'})
    want = {"type": "websocket.send", "text": '{"echo": {"still": "here"}}'}
    assert got == want, f"after the bad frame, expected the next object echoed ({want!r}), got {got!r}"
    await client.disconnect()


async def test_binary_frame_closes_with_4003(consumer):
    """A binary frame closes the connection with code 4003"""
    client = await connected(consumer)
    got = await reply_to(client, {"bytes": b'{"action": "ping"}'})
    want = {"type": "websocket.close", "code": 4003}
    assert got == want, f"expected {want!r}, got {got!r}"
    await client.disconnect()
