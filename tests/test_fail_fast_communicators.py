"""channels_lab.testing.fail_fast_communicators() (installed by tests/conftest.py): a communicator
answers what asgiref's would at the end of its timeout, but as soon as the application has raised."""

import asyncio
import time

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.testing import WebsocketCommunicator


async def crashes_after_accept(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    await receive()
    raise NotImplementedError("not solved yet")


async def test_a_crash_is_raised_at_once_not_after_the_timeout():
    client = WebsocketCommunicator(crashes_after_accept, "/")
    assert (await client.connect(timeout=1))[0]
    await client.send_to(text_data="hi")
    start = time.monotonic()
    with pytest.raises(NotImplementedError, match="not solved yet"):
        await client.receive_output(timeout=5)
    assert time.monotonic() - start < 1


async def test_receive_nothing_after_a_crash_is_true_at_once():
    client = WebsocketCommunicator(crashes_after_accept, "/")
    await client.connect(timeout=1)
    await client.send_to(text_data="hi")
    start = time.monotonic()
    assert await client.receive_nothing(timeout=5) is True
    assert time.monotonic() - start < 1
    assert isinstance(client.future.exception(), NotImplementedError)


async def test_a_message_sent_just_before_the_crash_is_still_received():
    async def says_then_crashes(scope, receive, send):
        await send({"type": "note"})
        raise RuntimeError("boom")

    client = ApplicationCommunicator(says_then_crashes, {"type": "test"})
    assert await client.receive_output(timeout=1) == {"type": "note"}
    with pytest.raises(RuntimeError, match="boom"):
        await client.receive_output(timeout=1)


async def test_an_application_that_returns_is_waited_for_as_before():
    async def returns(scope, receive, send):
        return None

    client = ApplicationCommunicator(returns, {"type": "test"})
    start = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        await client.receive_output(timeout=0.3)
    assert time.monotonic() - start >= 0.3
