"""The members-only room: anonymous users are refused with close code 4401, foreign origins with 403,
and a session cookie from a real login lets the user in (daphne + a throw-away SQLite database)."""

import json
import os

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.urls import path
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab import run_daphne
from channels_lab.accounts import cookie_header, log_in, temporary_database
from chat.consumers import LOGIN_REQUIRED, MembersRoomConsumer
from channels_lab.testing import DEMO_ORIGIN
from demo_project.asgi import application


async def test_anonymous_user_is_told_why_then_closed_with_4401():
    client = WebsocketCommunicator(application, "/ws/members/lobby/", headers=[DEMO_ORIGIN])
    accepted, _ = await client.connect()
    assert accepted, "the room must accept first, so the close code reaches the browser"
    assert await client.receive_json_from() == {"type": "error", "error": "log in to join this room"}
    assert await client.receive_output() == {"type": "websocket.close", "code": LOGIN_REQUIRED}
    assert LOGIN_REQUIRED == 4401


async def test_foreign_origin_is_refused_before_the_room_runs():
    client = WebsocketCommunicator(application, "/ws/members/lobby/", headers=[(b"origin", b"http://evil.example")])
    accepted, _ = await client.connect()
    assert not accepted


async def test_logged_in_user_chats_under_their_name():
    async def as_alice(scope, receive, send):
        return await rooms({**scope, "user": User(username="alice")}, receive, send)

    rooms = URLRouter([path("ws/members/<slug:room>/", MembersRoomConsumer.as_asgi())])
    alice = WebsocketCommunicator(as_alice, "/ws/members/lobby/")
    assert (await alice.connect())[0]
    await alice.send_json_to({"message": "hi members"})
    assert await alice.receive_json_from() == {"type": "message", "user": "alice", "message": "hi members"}
    await alice.disconnect()


@pytest.fixture(scope="module")
def auth_server():
    with temporary_database({"alice": "wonderland"}) as database:
        with run_daphne(env={"DEMO_DATABASE": database}) as server:
            yield server


async def test_over_daphne_a_session_cookie_lets_alice_in_and_anonymous_gets_4401(auth_server):
    room = auth_server.ws_url("/ws/members/lobby/")
    jar = log_in(auth_server.url, "alice", "wonderland")
    cookie = {"Cookie": cookie_header(jar, room)}
    async with connect(room, origin=auth_server.origin, additional_headers=cookie) as ws:
        await ws.send(json.dumps({"message": "hello"}))
        assert json.loads(await ws.recv()) == {"type": "message", "user": "alice", "message": "hello"}
    async with connect(room, origin=auth_server.origin) as ws:
        assert json.loads(await ws.recv())["type"] == "error"
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd.code == 4401


@pytest.mark.parametrize("origin", ["http://evil.example", None], ids=["foreign", "missing"])
async def test_over_daphne_a_foreign_origin_is_refused_even_with_a_valid_cookie(auth_server, origin):
    room = auth_server.ws_url("/ws/members/lobby/")
    cookie = {"Cookie": cookie_header(log_in(auth_server.url, "alice", "wonderland"), room)}
    with pytest.raises(InvalidStatus) as refused:
        async with connect(room, origin=origin, additional_headers=cookie):
            pass
    assert refused.value.response.status_code == 403


def test_wrong_password_sets_no_session(auth_server):
    jar = log_in(auth_server.url, "alice", "not her password")
    assert "sessionid" not in {cookie.name for cookie in jar}


def test_temporary_database_is_migrated_and_removed():
    with temporary_database({"bob": "builder"}) as path:
        assert os.path.getsize(path) > 0
    assert not os.path.exists(path)
