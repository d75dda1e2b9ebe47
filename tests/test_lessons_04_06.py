"""The behaviours notebooks 04–06 teach, pinned: if an upgrade of channels, daphne or autobahn
changes one of them, this file says which, before a learner's notebook does."""

import asyncio
import json
import os
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django.core.exceptions import SynchronousOnlyOperation
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab import DEMO_PROJECT, REPO_ROOT, run_daphne
from lessons import nb04_lifecycle as nb04
from lessons import nb05_json as nb05
from lessons import nb06_async as nb06


@pytest.fixture(scope="module")
def lessons_server():
    """One daphne serving the three lessons' routes under /04/, /05/ and /06/."""
    path = os.pathsep.join([str(Path(__file__).parent), str(DEMO_PROJECT), str(REPO_ROOT)])
    with run_daphne("test_lessons_04_06:application", env={"PYTHONPATH": path}) as server:
        yield server


def _application():
    from channels.routing import URLRouter
    from django.urls import path

    return URLRouter([
        path("04/", URLRouter(nb04.application.routes)),
        path("05/", URLRouter(nb05.application.routes)),
        path("06/", URLRouter(nb06.application.routes)),
    ])


application = _application()


async def closed_code(websocket):
    with pytest.raises(ConnectionClosed) as closed:
        await websocket.recv()
    return closed.value.rcvd.code if closed.value.rcvd else websocket.close_code


# ---- notebook 04 ----

async def test_04_lifecycle_order_in_process():
    nb04.TRACE.clear()
    client = WebsocketCommunicator(nb04.TracedConsumer.as_asgi(), "/")
    assert await client.connect() == (True, None)
    await client.send_to(text_data="hi")
    assert await client.receive_from() == "hi"
    await client.disconnect()
    assert nb04.TRACE == ["websocket_connect {'type': 'websocket.connect'}", "connect",
                          "receive text='hi' bytes=None", "disconnect code=1000"]


async def test_04_daphne_keeps_the_close_code_but_drops_the_reason(lessons_server):
    async with connect(lessons_server.ws_url("/04/ws/traced/")) as websocket:
        await websocket.send("bye")
        with pytest.raises(ConnectionClosed) as closed:
            await websocket.recv()
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4000, "")


@pytest.mark.parametrize("path", ["/04/ws/members/", "/04/ws/exceptions/"])
async def test_04_closing_before_accept_is_http_403(lessons_server, path):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(lessons_server.ws_url(path)):
            pass
    assert refused.value.response.status_code == 403
    async with connect(lessons_server.ws_url(path + "?ticket=yes")):
        pass


async def test_04_daphne_honours_the_subprotocol_but_drops_accept_headers(lessons_server):
    url = lessons_server.ws_url("/04/ws/subprotocols/")
    async with connect(url, subprotocols=["chat.v1", "chat.v2"]) as websocket:
        assert websocket.subprotocol == "chat.v2"
        assert "x-chat-server" not in websocket.response.headers  # daphne issue #326


async def test_04_overriding_websocket_connect_skips_the_groups():
    from channels.layers import get_channel_layer

    clients = {cls: WebsocketCommunicator(cls.as_asgi(), "/")
               for cls in (nb04.OverridesConnect, nb04.OverridesWebsocketConnect)}
    for client in clients.values():
        await client.connect()
    await get_channel_layer().group_send("news", {"type": "news.flash", "text": "flash"})
    assert await clients[nb04.OverridesConnect].receive_from() == "flash"
    assert await clients[nb04.OverridesWebsocketConnect].receive_nothing(0.2)
    for client in clients.values():
        await client.disconnect()


async def test_04_without_stop_consumer_the_instance_outlives_the_connection():
    client = WebsocketCommunicator(nb04.ForgetsStopConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_input({"type": "websocket.disconnect", "code": 1000})
    done, _ = await asyncio.wait([client.future], timeout=0.3)
    assert not done
    await client.wait(0)


# ---- notebook 05 ----

@pytest.mark.parametrize("frame, error", [
    ({"text": "{oops"}, json.JSONDecodeError),
    ({"bytes": b"{}"}, ValueError),
    ({"text": ""}, ValueError),
    ({"text": "[" * 100_000}, RecursionError),
])
async def test_05_the_default_json_consumer_dies_on_bad_frames(frame, error):
    client = WebsocketCommunicator(nb05.NaiveJsonConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_input({"type": "websocket.receive", **frame})
    with pytest.raises(error):
        await client.receive_output(timeout=0.5)


async def test_05_a_crashed_consumer_is_closed_with_1011_and_daphne_serves_on(lessons_server):
    async with connect(lessons_server.ws_url("/05/ws/naive/")) as websocket:
        await websocket.send("{oops")
        assert await closed_code(websocket) == 1011
    async with connect(lessons_server.ws_url("/05/ws/naive/")) as websocket:
        await websocket.send('{"a": 1}')
        assert json.loads(await websocket.recv()) == {"you sent": {"a": 1}}


async def test_05_exact_prices_and_dates():
    client = WebsocketCommunicator(nb05.ExactPriceConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_json_to({"prices": [0.1, 0.2]})
    assert await client.receive_json_from() == {"total": "0.3", "on": "2026-11-24"}
    await client.disconnect()


async def test_05_guarded_consumer_answers_and_closes_binary_with_4003(lessons_server):
    async with connect(lessons_server.ws_url("/05/ws/guarded/")) as websocket:
        for text in ("{oops", "", "[" * 100_000, "42"):
            await websocket.send(text)
            assert "error" in json.loads(await websocket.recv())
        await websocket.send(b"\x00")
        assert await closed_code(websocket) == 4003


async def test_05_daphne_refuses_to_send_close_code_1003(lessons_server):
    async with connect(lessons_server.ws_url("/05/ws/closes-1003/")) as websocket:
        await websocket.send(b"\x00")
        assert await closed_code(websocket) == 1011


# ---- notebook 06 ----

async def test_06_every_sync_consumer_runs_in_one_thread(lessons_server):
    clients = [await connect(lessons_server.ws_url("/06/ws/slow-sync/")) for _ in range(3)]
    for websocket in clients:
        await websocket.send("go")
    threads = {await websocket.recv() for websocket in clients}
    for websocket in clients:
        await websocket.close()
    assert len(threads) == 1


async def test_06_async_to_sync_inside_async_code_is_a_runtime_error():
    client = WebsocketCommunicator(nb06.AsyncToSyncInAsyncConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_to(text_data="x")
    with pytest.raises(RuntimeError, match="You cannot use AsyncToSync in the same thread as an async event loop"):
        await client.receive_output(timeout=0.5)


async def test_06_orm_inside_async_code_is_synchronous_only_operation():
    client = WebsocketCommunicator(nb06.OrmInAsyncConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_to(text_data="x")
    with pytest.raises(SynchronousOnlyOperation):
        await client.receive_output(timeout=0.5)
