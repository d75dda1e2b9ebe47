"""ex03: shout(scope, receive, send), a bare ASGI WebSocket app: in-process, under daphne and under uvicorn."""

import asyncio
import os
import threading
import time

import pytest
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect

from channels_lab import run_daphne
from channels_lab.course import EXERCISES_DIR
from channels_lab.grading import SUBMISSION_ENV
from channels_lab.servers import django_env


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


async def test_an_empty_text_frame_is_text_too(shout):
    """An empty text frame is text: it is answered with empty text, not closed as if it were binary"""
    client = await connected(shout)
    await client.send_input({"type": "websocket.receive", "text": ""})
    got = await client.receive_output(timeout=1)
    assert got == {"type": "websocket.send", "text": ""}, (
        f"for an empty text frame expected {{'type': 'websocket.send', 'text': ''}}, got {got!r}: test "
        "event.get(\"text\") is not None, since '' is false")
    await client.disconnect()


async def test_binary_frame_closes_with_4003(shout):
    """A binary frame makes it close the connection with code 4003"""
    client = await connected(shout)
    await client.send_to(bytes_data=b"\x00\x01")
    got = await client.receive_output(timeout=1)
    assert got.get("type") == "websocket.close" and got.get("code") == 4003, \
        f"expected a websocket.close with code 4003, got {got!r}"
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


async def answer_to(shout, scope, first_event):
    """Call the app with ``scope``, offer ``first_event``; return "raised", the first message it sent, or "hung"."""
    inbox, outbox = asyncio.Queue(), asyncio.Queue()
    await inbox.put(first_event)
    task = asyncio.ensure_future(shout(scope, inbox.get, outbox.put))
    getting = asyncio.ensure_future(outbox.get())
    done, _ = await asyncio.wait({task, getting}, timeout=1, return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, getting):
        if not pending.done():
            pending.cancel()
    await asyncio.gather(task, getting, return_exceptions=True)
    if getting in done:
        return getting.result()
    if task in done and task.exception() is not None:
        return "raised"
    return "returned" if task in done else "hung"


SCOPES = {
    "lifespan": ({"type": "lifespan", "asgi": {"version": "3.0"}}, {"type": "lifespan.startup"},
                 "lifespan.startup.complete"),
    "http": ({"type": "http", "asgi": {"version": "3.0"}, "method": "GET", "path": "/", "headers": [],
              "query_string": b""}, {"type": "http.request", "body": b""}, "http.response.start"),
}


@pytest.mark.parametrize("kind", SCOPES)
async def test_a_scope_it_does_not_serve_is_refused_at_once(shout, kind):
    """A lifespan or http scope is refused at once by raising (or answered), never waited on forever"""
    await (await connected(shout)).disconnect()  # it serves WebSockets, and ...
    scope, first_event, answer = SCOPES[kind]
    got = await answer_to(shout, scope, first_event)
    if got == "raised" or (isinstance(got, dict) and got.get("type") == answer):
        return
    if got == "hung" or (isinstance(got, dict) and got.get("type", "").startswith("websocket.")):
        pytest.fail(f"given a {kind!r} scope your app {'waited' if got == 'hung' else f'sent {got!r}'}: it ignores "
                    'scope["type"]; an app raises for a scope type it does not support', pytrace=False)
    pytest.fail(f"given a {kind!r} scope expected your app to raise, got {got!r}", pytrace=False)


async def shout_over(url):
    async with connect(url, open_timeout=5) as websocket:
        await websocket.send("served")
        return await asyncio.wait_for(websocket.recv(), 5)


async def test_daphne_serves_it():
    """daphne serves it to a real client"""
    folder = os.environ.get(SUBMISSION_ENV, str(EXERCISES_DIR))
    path = os.pathsep.join([folder, django_env()["PYTHONPATH"]])
    with run_daphne("ex03_raw_asgi:shout", env={"PYTHONPATH": path}) as server:
        got = await shout_over(server.ws_url("/"))
    assert got == "SERVED", f"expected 'SERVED' back through daphne, got {got!r}"


def test_uvicorn_serves_it(shout):
    """uvicorn, which starts with a lifespan scope, serves it to a real client"""
    import uvicorn

    config = uvicorn.Config(shout, host="127.0.0.1", port=0, lifespan="auto", log_level="critical")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 3
        while not server.started and time.monotonic() < deadline and thread.is_alive():
            time.sleep(0.02)
        if not server.started:
            pytest.fail("uvicorn was still waiting for application startup after 3 s: your app received the "
                        'lifespan scope and waited on it; it ignores scope["type"]', pytrace=False)
        port = server.servers[0].sockets[0].getsockname()[1]
        got = asyncio.run(shout_over(f"ws://127.0.0.1:{port}/"))
        assert got == "SERVED", f"expected 'SERVED' back through uvicorn, got {got!r}"
    finally:
        server.should_exit = True
        thread.join(timeout=1)
        if thread.is_alive():  # it waits for an app that never returns (uvicorn/server.py, shutdown): stop waiting
            server.force_exit = True
            thread.join(timeout=1)  # still stuck in a lifespan startup the app never answers: a daemon thread
