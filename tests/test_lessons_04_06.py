"""The behaviours notebooks 04–06 teach, pinned on the code of the notebooks themselves.

Each notebook's ``%%lesson`` cells are built from ``notebooks_src`` (``lesson.from_notebook``)
and served by a daphne of their own, so a notebook edit is what these tests check; if an
upgrade of channels, daphne or autobahn changes a behaviour, this file says which.
"""

import asyncio
import contextlib
import json

import pytest
from channels.testing import WebsocketCommunicator
from django.core.exceptions import SynchronousOnlyOperation
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab import lesson, run_daphne


@contextlib.contextmanager
def notebook(number, *, serve=False, env=None, args=()):
    """The module ``lesson`` of notebook ``number``, built from its source; with ``serve``, also a daphne serving it."""
    with lesson.from_notebook(number) as lessons:
        try:
            if serve:
                with run_daphne("lesson:application", env=env, args=args) as server:
                    yield lessons.modules["lesson"].module, server
            else:
                yield lessons.modules["lesson"].module, None
        finally:
            lesson.use(None)


@pytest.fixture(scope="module")
def nb04():
    """Notebook 04's module ``lesson`` and a daphne serving its ``application``, as the notebook starts it."""
    with notebook("04", serve=True, args=("--application-close-timeout", "1")) as served:
        yield served


async def closed_code(websocket):
    with pytest.raises(ConnectionClosed) as closed:
        await websocket.recv()
    return closed.value.rcvd.code if closed.value.rcvd else websocket.close_code


# ---- notebook 04 ----

async def test_04_lifecycle_order_in_process(nb04):
    module, _ = nb04
    module.TRACE.clear()
    client = WebsocketCommunicator(module.TracedConsumer.as_asgi(), "/")
    assert await client.connect() == (True, None)
    await client.send_to(text_data="hi")
    assert await client.receive_from() == "hi"
    await client.disconnect()
    assert module.TRACE == ["websocket_connect {'type': 'websocket.connect'}", "connect",
                            "receive text='hi' bytes=None", "disconnect code=1000"]


async def test_04_daphne_keeps_the_close_code_but_drops_the_reason(nb04):
    async with connect(nb04[1].ws_url("/ws/traced/")) as websocket:
        await websocket.send("bye")
        with pytest.raises(ConnectionClosed) as closed:
            await websocket.recv()
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4000, "")


@pytest.mark.parametrize("path", ["/ws/members/", "/ws/exceptions/"])
async def test_04_closing_before_accept_is_http_403(nb04, path):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(nb04[1].ws_url(path)):
            pass
    assert refused.value.response.status_code == 403
    async with connect(nb04[1].ws_url(path + "?ticket=yes")):
        pass


async def test_04_daphne_honours_the_subprotocol_but_drops_accept_headers(nb04):
    url = nb04[1].ws_url("/ws/subprotocols/")
    async with connect(url, subprotocols=["chat.v1", "chat.v2"]) as websocket:
        assert websocket.subprotocol == "chat.v2"
        assert "x-chat-server" not in websocket.response.headers  # daphne issue #326


async def test_04_a_close_without_code_reaches_the_client_as_1000(nb04):
    async with connect(nb04[1].ws_url("/ws/last-word/")) as websocket:
        await websocket.send("anything")
        assert await websocket.recv() == "that's all, goodbye"
        assert await closed_code(websocket) == 1000


async def test_04_overriding_websocket_connect_skips_the_groups(nb04):
    from channels.layers import get_channel_layer

    module, _ = nb04
    clients = {cls: WebsocketCommunicator(cls.as_asgi(), "/")
               for cls in (module.OverridesConnect, module.OverridesWebsocketConnect)}
    for client in clients.values():
        await client.connect()
    await get_channel_layer().group_send("news", {"type": "news.flash", "text": "flash"})
    assert await clients[module.OverridesConnect].receive_from() == "flash"
    assert await clients[module.OverridesWebsocketConnect].receive_nothing(0.2)
    for client in clients.values():
        await client.disconnect()


async def test_04_without_stop_consumer_the_instance_and_its_membership_outlive_the_connection(nb04):
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    client = WebsocketCommunicator(nb04[0].ForgetsStopConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_input({"type": "websocket.disconnect", "code": 1000})
    done, _ = await asyncio.wait([client.future], timeout=0.3)
    assert not done
    await client.wait(0)
    assert len(layer.groups["news"]) == 1  # no group_discard: the membership stays until group_expiry
    assert layer.group_expiry == 86400


async def test_04_daphne_kills_an_instance_that_outlives_its_connection(nb04):
    server = nb04[1]
    async with connect(server.ws_url("/ws/forgets-stop/")):
        pass
    for _ in range(100):  # --application-close-timeout 1, and the checker runs every second
        if "took too long to shut down and was killed" in server.output:
            break
        await asyncio.sleep(0.05)
    assert "took too long to shut down and was killed" in server.output


async def test_04_an_edited_and_rerun_cell_is_served_by_the_running_daphne():
    """Issue 10, item 4: the notebook's loop, done by code: edit ShoutConsumer, re-add it, connect again."""
    with notebook("04", serve=True) as (module, server):
        lessons = lesson.active()
        source = next(code for names, code in lessons.modules["lesson"].parts if "ShoutConsumer" in names)
        async with connect(server.ws_url("/ws/shout/")) as websocket:
            await websocket.send("hello")
            assert await websocket.recv() == "HELLO"

            lessons.add(source.replace(".upper()", ".lower()"))  # what re-running the edited cell does
            await websocket.send("HeLLo")  # an open connection keeps the code it started with
            assert await websocket.recv() == "HELLO"
        async with connect(server.ws_url("/ws/shout/")) as websocket:
            await websocket.send("HeLLo")
            assert await websocket.recv() == "hello"

        assert "self.accept()" in source
        lessons.add(source.replace("self.accept()", "self.close()"))  # the notebook's suggested edit
        with pytest.raises(InvalidStatus) as refused:
            async with connect(server.ws_url("/ws/shout/")):
                pass
        assert refused.value.response.status_code == 403


# ---- notebook 05 ----

@pytest.fixture(scope="module")
def nb05():
    """Notebook 05's module ``lesson`` and a daphne serving its ``application``."""
    with notebook("05", serve=True) as served:
        yield served


@pytest.mark.parametrize("frame, error", [
    ({"text": "{oops"}, json.JSONDecodeError),
    ({"bytes": b"{}"}, ValueError),
    ({"text": ""}, ValueError),
    ({"text": "[" * 100_000}, RecursionError),
])
async def test_05_the_default_json_consumer_dies_on_bad_frames(nb05, frame, error):
    client = WebsocketCommunicator(nb05[0].NaiveJsonConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_input({"type": "websocket.receive", **frame})
    with pytest.raises(error):
        await client.receive_output(timeout=0.5)


def test_05_three_exception_types_and_json_decode_error_is_a_value_error():
    assert issubclass(json.JSONDecodeError, ValueError)
    assert not issubclass(RecursionError, ValueError)


async def test_05_a_crashed_consumer_is_closed_with_1011_and_daphne_serves_on(nb05):
    async with connect(nb05[1].ws_url("/ws/naive/")) as websocket:
        await websocket.send("{oops")
        assert await closed_code(websocket) == 1011
    async with connect(nb05[1].ws_url("/ws/naive/")) as websocket:
        await websocket.send('{"a": 1}')
        assert json.loads(await websocket.recv()) == {"you sent": {"a": 1}}


async def test_05_exact_prices_and_dates(nb05):
    client = WebsocketCommunicator(nb05[0].ExactPriceConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_json_to({"prices": [0.1, 0.2]})
    assert await client.receive_json_from() == {"total": "0.3", "on": "2026-11-24"}
    await client.disconnect()


async def test_05_guarded_consumer_answers_and_closes_binary_with_4003(nb05):
    async with connect(nb05[1].ws_url("/ws/guarded/")) as websocket:
        for text in ("{oops", "", "[" * 100_000, "42"):
            await websocket.send(text)
            assert "error" in json.loads(await websocket.recv())
        await websocket.send(b"\x00")
        assert await closed_code(websocket) == 4003


async def test_05_daphne_refuses_to_send_close_code_1003(nb05):
    async with connect(nb05[1].ws_url("/ws/closes-1003/")) as websocket:
        await websocket.send(b"\x00")
        assert await closed_code(websocket) == 1011


async def _disconnect_code_logged(server, since):
    for _ in range(40):
        codes = [line.rsplit("code=", 1)[1].rstrip(")") for line in server.output.splitlines()[since:]
                 if "ReportingConsumer.disconnect(code=" in line]
        if codes:
            return int(codes[0])
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("frame", [
    pytest.param("x" * (1024 * 1024 + 1), id="too-large-1009"),
    pytest.param(b"caf\xe9", id="invalid-utf8-1007"),
])
async def test_05_daphne_fails_bad_frames_by_dropping_tcp_so_client_and_consumer_see_1006(nb05, frame):
    since = len(nb05[1].output.splitlines())
    async with connect(nb05[1].ws_url("/ws/guarded/")) as websocket:
        await websocket.send(frame, text=True)
        with pytest.raises(ConnectionClosed) as closed:
            await websocket.recv()
    assert closed.value.rcvd is None and websocket.close_code == 1006  # no close frame: TCP dropped
    assert await _disconnect_code_logged(nb05[1], since) == 1006


# ---- notebook 06 ----

@pytest.fixture(scope="module")
def nb06():
    """Notebook 06's module ``lesson`` and a daphne serving it with ASGI_THREADS=6, as the notebook does."""
    with notebook("06", serve=True, env={"ASGI_THREADS": "6"}) as served:
        yield served


async def test_06_every_sync_consumer_runs_in_one_thread(nb06):
    clients = [await connect(nb06[1].ws_url("/ws/slow-sync/")) for _ in range(3)]
    for websocket in clients:
        await websocket.send("go")
    threads = {await websocket.recv() for websocket in clients}
    for websocket in clients:
        await websocket.close()
    assert len(threads) == 1


async def test_06_offloaded_calls_share_the_default_pool_so_eight_need_two_rounds_on_six_threads(nb06):
    module, server = nb06
    clients = [await connect(server.ws_url("/ws/offloaded-async/")) for _ in range(8)]
    started = asyncio.get_running_loop().time()
    for websocket in clients:
        await websocket.send("go")
    await asyncio.gather(*(websocket.recv() for websocket in clients))
    seconds = asyncio.get_running_loop().time() - started
    for websocket in clients:
        await websocket.close()
    assert seconds >= 2 * module.DELAY * 0.9  # 6 threads cannot run 8 sleeps in one round


async def _echo_while_stalled(server, stall_path):
    loop = asyncio.get_running_loop()
    async with connect(server.ws_url(stall_path)) as staller, connect(server.ws_url("/ws/echo-async/")) as echo:
        await staller.send("go")
        assert await staller.recv() == "sleeping"
        started = loop.time()
        await echo.send("ping")
        assert await echo.recv() == "ping"
        waited = loop.time() - started
        assert await staller.recv() == "awake"
    return waited


async def test_06_a_sleeping_sync_handler_stalls_async_consumers_and_a_worker_thread_does_not(nb06):
    """AsyncConsumer.dispatch awaits aclose_old_connections() on the one thread of sync consumers."""
    module, server = nb06
    assert await _echo_while_stalled(server, "/ws/stalls-sync-thread/") > module.STALL / 2
    assert await _echo_while_stalled(server, "/ws/stalls-worker-thread/") < module.STALL / 2


async def test_06_async_to_sync_inside_async_code_is_a_runtime_error(nb06):
    client = WebsocketCommunicator(nb06[0].AsyncToSyncInAsyncConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_to(text_data="x")
    with pytest.raises(RuntimeError, match="You cannot use AsyncToSync in the same thread as an async event loop"):
        await client.receive_output(timeout=0.5)


async def test_06_orm_inside_async_code_is_synchronous_only_operation(nb06):
    client = WebsocketCommunicator(nb06[0].OrmInAsyncConsumer.as_asgi(), "/")
    await client.connect()
    await client.send_to(text_data="x")
    with pytest.raises(SynchronousOnlyOperation):
        await client.receive_output(timeout=0.5)
