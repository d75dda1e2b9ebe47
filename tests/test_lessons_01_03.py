"""The small ASGI apps notebooks 01–03 serve (demo_project/lessons/nb01_*, nb02_*, nb03_*), in-process."""

import asyncio
import http.client

from channels.testing import WebsocketCommunicator
from channels.worker import Worker

from lessons import nb01_handshake, nb02_raw_asgi, nb03_routing
from lessons.nb02_wsgi import HoldingApp, serve_wsgi


async def test_nb01_close_consumer_closes_with_the_code_asked_for():
    client = WebsocketCommunicator(nb01_handshake.application, "/ws/close/")
    assert (await client.connect())[0]
    await client.send_to(text_data="close 4001")
    assert await client.receive_output() == {"type": "websocket.close", "code": 4001}
    await client.disconnect()


async def test_nb01_close_consumer_explains_unknown_commands():
    client = WebsocketCommunicator(nb01_handshake.application, "/ws/close/")
    await client.connect()
    await client.send_to(text_data="hello")
    assert "close <code>" in await client.receive_from()
    await client.disconnect()


async def test_nb02_echo_answers_and_closes_on_bye(capsys):
    client = WebsocketCommunicator(nb02_raw_asgi.echo, "/chat/")
    assert (await client.connect())[0]
    await client.send_to(text_data="hi")
    assert await client.receive_from() == "hi"
    await client.send_to(text_data="bye")
    assert await client.receive_output() == {"type": "websocket.close", "code": 1000}
    await client.disconnect()
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("ASGI scope ") and printed[-1].startswith("ASGI receive <- ")


async def test_nb02_counter_counts_open_connections():
    clients = [WebsocketCommunicator(nb02_raw_asgi.counter, "/") for _ in range(3)]
    for client in clients:
        assert (await client.connect())[0]
    await clients[0].send_to(text_data="how many?")
    assert await clients[0].receive_from() == "3"
    for client in clients:
        await client.disconnect()
    assert nb02_raw_asgi.open_connections == 0


def test_nb02_wsgi_pool_serves_at_most_its_workers_at_once():
    app = HoldingApp(seconds=0.05)

    def get(port):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        body = connection.getresponse().read()
        connection.close()
        return body

    with serve_wsgi(app, workers=2) as server:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(6) as pool:
            bodies = list(pool.map(get, [server.server_port] * 6))
    assert bodies == [b"held and done"] * 6
    assert app.served == 6 and app.peak <= 2


async def test_nb03_nested_routes_merge_kwargs():
    client = WebsocketCommunicator(nb03_routing.application, "/ws/rooms/lobby/members/7/")
    assert (await client.connect())[0]
    seen = await client.receive_json_from()
    assert seen["kwargs"] == {"room": "lobby", "user_id": 7}
    await client.disconnect()


async def test_nb03_upload_goes_through_the_thumbnail_worker():
    from channels.layers import get_channel_layer

    worker = Worker(nb03_routing.application, ["thumbnails"], get_channel_layer())
    listening = asyncio.create_task(worker.listener("thumbnails"))
    try:
        client = WebsocketCommunicator(nb03_routing.application, "/ws/upload/")
        assert (await client.connect())[0]
        await client.send_json_to({"image": "cat.png"})
        assert await client.receive_json_from(timeout=2) == {"thumbnail": "cat.thumb.png"}
        await client.disconnect()
    finally:
        listening.cancel()
        for scope_id in list(worker.application_instances):
            worker.delete_application_instance(scope_id)
        await asyncio.gather(listening, return_exceptions=True)


async def test_nb02_gate_refuses_on_refuse_path():
    client = WebsocketCommunicator(nb02_raw_asgi.gate, "/refuse/")
    accepted, _ = await client.connect()
    assert not accepted
    await client.disconnect()
