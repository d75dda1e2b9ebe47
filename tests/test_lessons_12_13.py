"""The lesson code of notebooks 12 and 13, built from their sources, behaves as the notebooks say."""

import asyncio
import contextlib
import json

import pytest
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from channels_lab import lesson, run_daphne


def _modules(notebook):
    with lesson.from_notebook(notebook) as made:
        yield made.modules
    lesson.use(None)


@pytest.fixture
def nb12():
    yield from _modules("12")


@pytest.fixture
def nb13():
    yield from _modules("13")


async def test_12_room_consumer_reaches_every_member_the_sender_too(nb12):
    route = nb12["lesson"].module.application.application_mapping["websocket"]  # the URLRouter
    alice, bob = (WebsocketCommunicator(route, "/ws/rooms/lobby/") for _ in range(2))
    assert (await alice.connect())[0] and (await bob.connect())[0]
    await alice.send_to(text_data="hi")
    assert (await alice.receive_from(), await bob.receive_from()) == ("hi", "hi")
    await alice.disconnect()
    await bob.disconnect()


async def test_12_whoami_believes_forwarded_address_and_port_with_proxy_headers(nb12):
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Port": "4444"}
    with run_daphne("lesson:application", args=("--proxy-headers",), env={"LESSON_PROCESS": "A"}) as server:
        async with connect(server.ws_url("/whoami/"), additional_headers=headers, origin="http://127.0.0.1") as ws:
            assert json.loads(await ws.recv()) == {"client": ["203.0.113.9", 4444], "scheme": None,
                                                   "host": f"127.0.0.1:{server.port}",
                                                   "origin": "http://127.0.0.1", "x_forwarded_for": "203.0.113.9",
                                                   "process": "A"}


async def test_12_guarded_whoami_accepts_the_sites_origin_on_any_port_and_refuses_another(nb12):
    from websockets.exceptions import InvalidStatus

    with run_daphne("lesson:application") as server:
        async with connect(server.ws_url("/guarded/whoami/"), origin="http://127.0.0.1:8080") as ws:
            seen = json.loads(await ws.recv())
        assert (seen["host"], seen["origin"]) == (f"127.0.0.1:{server.port}", "http://127.0.0.1:8080")
        with pytest.raises(InvalidStatus) as refused:
            async with connect(server.ws_url("/guarded/whoami/"), origin="https://evil.example"):
                pass
        assert refused.value.response.status_code == 403


async def test_12_served_room_greets_with_its_process_then_relays_the_room(nb12):
    route = nb12["lesson"].module.application.application_mapping["websocket"]
    alice, bob = (WebsocketCommunicator(route, "/ws/served/lobby/") for _ in range(2))
    for client in (alice, bob):
        assert (await client.connect())[0]
        assert await client.receive_from() == "process "  # no LESSON_PROCESS in this process
    await alice.send_to(text_data="hi")
    assert (await alice.receive_from(), await bob.receive_from()) == ("hi", "hi")
    await alice.disconnect()
    await bob.disconnect()


async def test_12_http_app_serves_the_chat_page_and_hands_the_rest_to_django(nb12):
    from channels.testing import HttpCommunicator

    app = nb12["lesson"].module.http_app
    page = await HttpCommunicator(app, "GET", "/chat/").get_response()
    assert page["status"] == 200 and b"new WebSocket" in page["body"] and b"RETRY" in page["body"]
    other = await HttpCommunicator(app, "GET", "/no-such-page/", headers=[(b"host", b"127.0.0.1")]).get_response()
    assert other["status"] == 404


async def test_13_polite_consumer_sends_header_and_reason_but_daphne_drops_them(nb13):
    polite = nb13["lesson"].module.PoliteConsumer
    client = WebsocketCommunicator(polite.as_asgi(), "/polite/")
    await client.send_input({"type": "websocket.connect"})
    assert (await client.receive_output())["headers"] == [(b"x-chat-version", b"2")]
    await client.send_input({"type": "websocket.receive", "text": "hi"})
    assert await client.receive_output() == {"type": "websocket.close", "code": 4000, "reason": "goodbye"}
    await client.send_input({"type": "websocket.disconnect", "code": 4000})
    await client.wait()
    with run_daphne("lesson:application") as server:
        async with connect(server.ws_url("/polite/")) as ws:
            assert ws.response.headers.get("x-chat-version") is None
            await ws.send("hi")
            with contextlib.suppress(ConnectionClosed):
                await ws.recv()
        assert (ws.close_code, ws.close_reason) == (4000, "")


def test_13_settings_modules_place_daphne_before_staticfiles_or_leave_it_out(nb13):
    later = nb13["settings_daphne_later"].module.INSTALLED_APPS
    without = nb13["settings_without_daphne"].module.INSTALLED_APPS
    assert later.index("daphne") == later.index("django.contrib.staticfiles") - 1 > 0
    assert "daphne" not in without
