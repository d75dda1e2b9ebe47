"""The code notebooks 01–03 define in their %%lesson cells, loaded from the notebook sources."""

import asyncio
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from channels.worker import Worker
from websockets.asyncio.client import connect

from channels_lab import lesson, run_daphne
from channels_lab.servers import django_env
from channels_lab.uvicorn_server import run_uvicorn


@pytest.fixture
def notebook():
    """``notebook("02")`` builds that notebook's lesson modules; they are removed after the test."""
    built = []

    def build(number):
        built.append(lesson.from_notebook(number))
        return {name: made.module for name, made in built[-1].modules.items()}

    yield build
    for lessons in built:
        lessons.remove()
    lesson.use(None)


async def test_nb01_close_consumer_closes_with_the_code_asked_for(notebook):
    application = notebook("01")["lesson"].application
    client = WebsocketCommunicator(application, "/ws/close/")
    assert (await client.connect())[0]
    await client.send_to(text_data="close 4001")
    assert await client.receive_output() == {"type": "websocket.close", "code": 4001}
    await client.disconnect()


async def test_nb01_close_consumer_explains_unknown_commands(notebook):
    client = WebsocketCommunicator(notebook("01")["lesson"].application, "/ws/close/")
    await client.connect()
    await client.send_to(text_data="hello")
    assert "close <code>" in await client.receive_from()
    await client.disconnect()


async def test_nb01_echo_sends_text_and_bytes_back(notebook):
    client = WebsocketCommunicator(notebook("01")["lesson"].application, "/ws/echo/")
    assert (await client.connect())[0]
    await client.send_to(bytes_data=b"\x00\x01")
    assert await client.receive_from() == b"\x00\x01"
    await client.disconnect()


async def test_nb01_daphne_serves_the_lesson_but_sends_no_empty_echo(notebook):
    notebook("01")
    with run_daphne("lesson:application") as server:
        async with connect(server.ws_url("/ws/echo/")) as websocket:
            await websocket.send("")
            await websocket.send("after")
            assert await websocket.recv() == "after"
        async with connect(server.ws_url("/ws/close/")) as websocket:
            await websocket.send("close 4001")
            await websocket.wait_closed()
        assert websocket.close_code == 4001


async def test_nb02_echo_answers_and_closes_on_bye(notebook, capsys):
    echo = notebook("02")["lesson"].echo
    client = WebsocketCommunicator(echo, "/chat/")
    assert (await client.connect())[0]
    await client.send_to(text_data="hi")
    assert await client.receive_from() == "hi"
    await client.send_to(text_data="bye")
    assert await client.receive_output() == {"type": "websocket.close", "code": 1000}
    await client.disconnect()
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("ASGI scope ") and printed[-1].startswith("ASGI receive <- ")


async def test_nb02_apps_raise_on_a_scope_type_they_do_not_serve(notebook):
    module = notebook("02")["lesson"]
    for app in (module.echo, module.counter, module.gate):
        with pytest.raises(ValueError, match="lifespan"):
            await app({"type": "lifespan"}, None, None)


async def test_nb02_counter_counts_open_connections_on_one_thread(notebook):
    module = notebook("02")["lesson"]
    clients = [WebsocketCommunicator(module.counter, "/") for _ in range(3)]
    for client in clients:
        assert (await client.connect())[0]
    await clients[0].send_to(text_data="how many?")
    assert await clients[0].receive_json_from() == {"open": 3, "threads": 1}
    for client in clients:
        await client.disconnect()
    assert module.OPEN["connections"] == 0


async def test_nb02_gate_refuses_on_refuse_path(notebook):
    client = WebsocketCommunicator(notebook("02")["lesson"].gate, "/refuse/")
    accepted, _ = await client.connect()
    assert not accepted
    await client.disconnect()


async def test_nb02_uvicorn_serves_echo_but_never_starts_echo_any_scope(notebook):
    notebook("02")
    with run_uvicorn("lesson:echo") as server:
        async with connect(server.ws_url("/")) as websocket:
            await websocket.send("hi")
            assert await websocket.recv() == "hi"
    assert "ASGI 'lifespan' protocol appears unsupported." in server.output
    with run_uvicorn("lesson:echo_any_scope", ready="Waiting for application startup") as stuck:
        await asyncio.sleep(0.5)
    assert "Uvicorn running on" not in stuck.output


def test_nb02_wsgi_pool_serves_at_most_its_workers_at_once(notebook):
    pool = notebook("02")["wsgi_pool"]
    app = pool.HoldingApp(seconds=0.05)
    with pool.serve_wsgi(app, workers=2) as server, ThreadPoolExecutor(6) as clients:
        bodies = list(clients.map(pool.get, [server.server_port] * 6))
    assert bodies == [b"held and done"] * 6
    assert app.served == 6 and app.peak <= 2


def test_nb02_wsgiref_refuses_the_upgrade_only_in_debug_mode(notebook):
    upgrade = notebook("02")["wsgi_upgrade"]
    status, error = upgrade.serve_one_request(upgrade.wsgi_tries_to_upgrade)
    assert status == "HTTP/1.0 500 Internal Server Error" and "Hop-by-hop" in error
    code = "from wsgi_upgrade import *; print(serve_one_request(wsgi_tries_to_upgrade)[0])"
    optimized = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, env=django_env())
    assert optimized.stdout.strip() == "HTTP/1.0 101 Switching Protocols"


async def test_nb03_routes_capture_what_the_notebook_says(notebook):
    module = notebook("03")["lesson"]
    for url, kwargs in [("/ws/rooms/lobby/members/7/", {"room": "lobby", "user_id": 7}),
                        ("/ws/archive/1999/", {"year": "1999"})]:
        client = WebsocketCommunicator(module.application, url)
        assert (await client.connect())[0]
        assert (await client.receive_json_from())["kwargs"] == kwargs
        await client.disconnect()


async def test_nb03_upload_goes_through_the_thumbnail_worker(notebook):
    application = notebook("03")["lesson"].application
    worker = Worker(application, ["thumbnails"], get_channel_layer())
    listening = asyncio.create_task(worker.listener("thumbnails"))
    try:
        client = WebsocketCommunicator(application, "/ws/upload/")
        assert (await client.connect())[0]
        await client.send_json_to({"image": "cat.png"})
        assert await client.receive_json_from(timeout=2) == {"thumbnail": "cat.thumb.png"}
        await client.disconnect()
    finally:
        listening.cancel()
        for scope_id in list(worker.application_instances):
            worker.delete_application_instance(scope_id)
        await asyncio.gather(listening, return_exceptions=True)
