"""ex03: shout(scope, receive, send), a bare ASGI WebSocket app, driven in-process."""

import asyncio

import pytest
from channels.testing import WebsocketCommunicator


@pytest.fixture(scope="module")
def shout(submission):
    return submission("ex03_raw_asgi.py").shout


async def connected(shout):
    client = WebsocketCommunicator(shout, "/shout/")
    accepted, _ = await client.connect(timeout=1)
    assert accepted, "expected websocket.accept, got a close"
    return client


async def test_accepts_the_connection(shout):
    """It answers websocket.connect with websocket.accept"""
    client = WebsocketCommunicator(shout, "/shout/")
    try:
        accepted, _ = await client.connect(timeout=1)
    except TimeoutError:
        pytest.fail("expected websocket.accept, got nothing within 1 s: did you send it?", pytrace=False)
    assert accepted, "expected websocket.accept, got websocket.close"
    await client.disconnect()


async def test_answers_text_in_upper_case(shout):
    """Every text frame comes back in upper case, as many as the client sends"""
    client = await connected(shout)
    for text in ["hello", "Channels Lab", "ça va?"]:
        await client.send_to(text_data=text)
        got = await client.receive_output(timeout=1)
        want = {"type": "websocket.send", "text": text.upper()}
        assert got == want, f"expected {want!r}, got {got!r}"
    await client.disconnect()


async def test_binary_frame_closes_with_4003(shout):
    """A binary frame makes it close the connection with code 4003"""
    client = await connected(shout)
    await client.send_to(bytes_data=b"\x00\x01")
    got = await client.receive_output(timeout=1)
    assert got == {"type": "websocket.close", "code": 4003}, (
        f"expected {{'type': 'websocket.close', 'code': 4003}}, got {got!r}")
    await client.disconnect()


async def test_returns_after_disconnect(shout):
    """It returns (no error, no hanging) when the client disconnects"""
    client = await connected(shout)
    await client.send_input({"type": "websocket.disconnect", "code": 1000})
    done, _ = await asyncio.wait({client.future}, timeout=1)
    try:
        assert done, "expected shout() to return after websocket.disconnect, but it was still running after 1 s"
        error = client.future.exception()
        assert error is None, f"expected shout() to return quietly, got {error!r}"
    finally:
        client.stop(exceptions=False)
