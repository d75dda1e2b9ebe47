"""The lesson code of notebooks 08 and 09, loaded from the notebooks' sources, behaves as the notebooks say."""

import asyncio
import contextlib
import json
import sqlite3

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab import lesson, run_daphne
from channels_lab.accounts import cookie_header, log_in, temporary_database
from channels_lab.notebooks import scripts
from channels_lab.servers import free_port, run_redis
from channels_lab.testing import require

FAKE = {"type": "relay.announce", "text": "fake"}


@pytest.fixture
def nb08():
    with lesson.from_notebook("08") as lessons:
        yield lessons.modules["lesson"].module
    lesson.use(None)


async def pair(consumer):
    alice = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    mallory = WebsocketCommunicator(consumer.as_asgi(), "/ws/relay/")
    assert (await alice.connect())[0] and (await mallory.connect())[0]
    return alice, mallory


async def test_tracing_consumer_records_dispatch_and_dies_on_an_unknown_type(nb08):
    client = WebsocketCommunicator(nb08.TracingConsumer.as_asgi(), "/")
    await client.connect()
    channel = (await client.receive_json_from())["channel_name"]
    await get_channel_layer().send(channel, {"type": "chat.message", "text": "x"})
    assert await client.receive_json_from() == {"chat": "x"}
    assert ("chat.message", "chat_message") in nb08.TracingConsumer.trace
    await get_channel_layer().send(channel, {"type": "chat.typo"})
    with pytest.raises(ValueError, match="No handler for message type chat.typo"):
        await client.wait(timeout=1)


async def test_over_daphne_a_typo_in_a_group_event_closes_every_member_with_1011(nb08):
    with run_daphne("lesson:application") as server:
        members = [await connect(server.ws_url("/ws/typo/")) for _ in range(3)]
        await members[0].send(json.dumps({"text": "hello"}))
        for member in members:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(member.recv(), timeout=5)
            assert closed.value.rcvd.code == 1011


async def test_unsafe_relay_lets_a_client_run_server_only_handlers_and_stop_members(nb08):
    alice, mallory = await pair(nb08.UnsafeRelayConsumer)
    await mallory.send_json_to(FAKE)
    assert (await alice.receive_json_from())["from"] == "the ADMINS"
    await mallory.send_json_to({"type": "websocket.disconnect", "code": 1000})
    assert await alice.receive_nothing(timeout=0.3)
    assert alice.future.done()


async def test_over_daphne_a_stopped_relay_member_keeps_an_open_silent_socket_until_websocket_timeout(nb08):
    with run_daphne("lesson:relay", args=("--websocket_timeout", "3")) as server:
        async with connect(server.ws_url("/ws/relay/")) as alice, connect(server.ws_url("/ws/relay/")) as mallory:
            await mallory.send(json.dumps({"type": "websocket.disconnect", "code": 1000}))
            await asyncio.sleep(1.2)  # daphne has looked at its finished applications
            await asyncio.wait_for(await alice.ping(), 1)
            assert alice.state.name == "OPEN"
            await alice.send(json.dumps({"text": "anyone there?"}))
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(alice.recv(), 0.5)
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(alice.recv(), 6)
            assert closed.value.rcvd.code == 1000
    assert "Exception inside application" not in server.output


@pytest.mark.parametrize("bad", [{"type": "websocket.disconnect", "code": 1000}, ["hi"], None, {"text": 3}])
async def test_safe_relay_ignores_the_client_type_and_answers_bad_input_with_an_error(nb08, bad):
    alice, mallory = await pair(nb08.SafeRelayConsumer)
    await mallory.send_json_to(FAKE)
    assert await alice.receive_json_from() == {"from": "a member", "text": "fake"}
    assert await mallory.receive_json_from() == {"from": "a member", "text": "fake"}
    await mallory.send_json_to(bad)
    assert "error" in await mallory.receive_json_from()
    assert await alice.receive_nothing(timeout=0.1)
    assert not alice.future.done()
    for client in (alice, mallory):
        await client.disconnect()


async def test_action_relay_maps_only_listed_actions_to_server_chosen_types(nb08):
    alice, mallory = await pair(nb08.ActionRelayConsumer)
    await mallory.send_json_to({"action": "say", "text": "hi"})
    assert await alice.receive_json_from() == {"from": "a member", "text": "hi"}
    await mallory.receive_json_from()
    for refused in ({"action": "relay.announce", "text": "x"}, {"action": "announce"}, {"type": "relay.announce"}, [1]):
        await mallory.send_json_to(refused)
        assert "error" in await mallory.receive_json_from()
    assert await alice.receive_nothing(timeout=0.1)
    for client in (alice, mallory):
        await client.disconnect()


# ---- notebook 09: AccountConsumer and the three origin checks (the browser part is checked by nbval) ----

USERS = {"alice": "wonderland", "bob": "builder"}


def is_the_fix(module, code):
    """The cell that redefines AccountConsumer with the per-user group."""
    return "account_logout" in code


@pytest.fixture(scope="module")
def database():
    with temporary_database(USERS) as path:
        yield path


@contextlib.contextmanager
def nb09_lessons(*, fixed=True):
    """Notebook 09's lesson modules, without the logout fix if ``fixed`` is false."""
    made = lesson.Lessons()
    try:
        lesson.use(made)
        for module, code in lesson.cells_of(scripts(["09"])[0]):
            if fixed or not is_the_fix(module, code):
                made.add(code, module)
        yield made
    finally:
        made.remove()
        lesson.use(None)


@contextlib.contextmanager
def nb09_server(database, *, fixed=True):
    """Notebook 09's lesson modules (without the logout fix if ``fixed`` is false), served by daphne."""
    with nb09_lessons(fixed=fixed):
        port = free_port()
        with run_daphne("lesson:application", port=port, env={
                "DEMO_DATABASE": database, "SITE_ORIGINS": f"http://127.0.0.1:{port}"}) as server:
            yield server


async def request(ws, **message):
    await ws.send(json.dumps(message))
    return json.loads(await ws.recv())


async def whoami_with(server, key):
    cookie = {"Cookie": f"sessionid={key}"}
    async with connect(server.ws_url("/ws/account/"), origin=server.origin, additional_headers=cookie) as ws:
        return (await request(ws, action="whoami"))["user"]


def has_row(database, key):
    with contextlib.closing(sqlite3.connect(database)) as db:
        return db.execute("SELECT 1 FROM django_session WHERE session_key = ?", [key]).fetchone() is not None


async def test_login_without_asave_leaves_a_key_that_names_no_user(database):
    with nb09_server(database) as server:
        async with connect(server.ws_url("/ws/unsaved-login/"), origin=server.origin) as ws:
            reply = await request(ws, action="login", username="alice", password="wonderland")
            assert reply["user"] == "alice"
            assert (await request(ws, action="whoami"))["user"] == "alice"
        assert has_row(database, reply["session_key"])  # cycle_key() saved the empty session
        assert await whoami_with(server, reply["session_key"]) == "anonymous"


async def test_login_in_a_consumer_saves_a_session_only_the_server_knows(database):
    with nb09_server(database) as server:
        account = server.ws_url("/ws/account/")
        async with connect(account, origin=server.origin) as ws:
            reply = await request(ws, action="login", username="alice", password="wonderland")
        assert reply["user"] == "alice"
        async with connect(account, origin=server.origin) as ws:
            assert (await request(ws, action="whoami"))["user"] == "anonymous"
        assert await whoami_with(server, reply["session_key"]) == "alice"


async def log_in_with(server, key, username):
    cookie = {"Cookie": f"sessionid={key}"}
    async with connect(server.ws_url("/ws/account/"), origin=server.origin, additional_headers=cookie) as ws:
        return (await request(ws, action="login", username=username, password=USERS[username]))["session_key"]


async def test_login_cycles_a_userless_session_keeps_its_own_and_flushes_another_users(database):
    with nb09_server(database) as server:
        async with connect(server.ws_url("/ws/unsaved-login/"), origin=server.origin) as ws:
            userless = (await request(ws, action="login", username="alice", password="wonderland"))["session_key"]
        cycled = await log_in_with(server, userless, "alice")
        assert cycled != userless and not has_row(database, userless)
        assert await whoami_with(server, cycled) == "alice"
        jar = log_in(server.url, "alice", "wonderland")
        alices = next(cookie.value for cookie in jar if cookie.name == "sessionid")
        assert await log_in_with(server, alices, "alice") == alices
        bobs = await log_in_with(server, alices, "bob")
        assert bobs != alices and not has_row(database, alices)
        assert await whoami_with(server, bobs) == "bob"
        assert await whoami_with(server, alices) == "anonymous"


@pytest.mark.parametrize("fixed", [False, True], ids=["first-version", "fixed"])
async def test_a_logout_reaches_the_users_other_open_sockets_only_with_the_fix(database, fixed):
    with nb09_server(database, fixed=fixed) as server:
        account = server.ws_url("/ws/account/")
        cookie = {"Cookie": cookie_header(log_in(server.url, "alice", "wonderland"), account)}
        async with connect(account, origin=server.origin, additional_headers=cookie) as first, \
                connect(account, origin=server.origin, additional_headers=cookie) as second:
            assert (await request(first, action="whoami"))["user"] == "alice"
            assert (await request(second, action="logout"))["user"] == "anonymous"
            if fixed:
                with pytest.raises(ConnectionClosed) as closed:
                    await request(first, action="whoami")
                assert closed.value.rcvd.code == 4401
            else:
                assert (await request(first, action="whoami"))["user"] == "alice"


@pytest.mark.parametrize("layer", ["in-memory", "redis"])
async def test_a_logout_reaches_another_daphnes_socket_only_through_redis(database, layer):
    with contextlib.ExitStack() as stack:
        stack.enter_context(nb09_lessons())
        env = {"DEMO_DATABASE": database}
        if layer == "redis":
            require("redis")
            env["REDIS_URL"] = stack.enter_context(run_redis()).url
        here, there = (stack.enter_context(run_daphne("lesson:application", env=env)) for _ in range(2))
        cookie = {"Cookie": cookie_header(log_in(here.url, "alice", "wonderland"), here.ws_url("/"))}
        async with connect(here.ws_url("/ws/account/"), origin=here.origin, additional_headers=cookie) as mine, \
                connect(there.ws_url("/ws/account/"), origin=there.origin, additional_headers=cookie) as other:
            assert (await request(other, action="whoami"))["user"] == "alice"
            assert (await request(mine, action="logout"))["user"] == "anonymous"
            if layer == "redis":
                await asyncio.wait_for(other.wait_closed(), timeout=5)
                assert other.close_code == 4401
            else:
                await asyncio.sleep(0.5)
                assert (await request(other, action="whoami"))["user"] == "alice"


async def origin_check(server, prefix, origin, cookie):
    url = server.ws_url(prefix + "/ws/account/")
    try:
        async with connect(url, origin=origin, additional_headers=cookie) as ws:
            return (await request(ws, action="whoami"))["user"]
    except InvalidStatus as refused:
        return refused.response.status_code


async def test_allowed_hosts_ignores_the_port_and_the_pinned_origins_do_not(database):
    with nb09_server(database) as server:
        cookie = {"Cookie": cookie_header(log_in(server.url, "alice", "wonderland"), server.ws_url("/"))}
        other_port = f"http://127.0.0.1:{free_port()}"
        got = {(prefix, origin): await origin_check(server, prefix, origin, cookie)
               for prefix in ("/unguarded", "", "/pinned")
               for origin in (server.origin, other_port, "http://evil.localhost:8000")}
    assert got == {
        ("/unguarded", server.origin): "alice", ("/unguarded", other_port): "alice",
        ("/unguarded", "http://evil.localhost:8000"): "alice",
        ("", server.origin): "alice", ("", other_port): "alice", ("", "http://evil.localhost:8000"): 403,
        ("/pinned", server.origin): "alice", ("/pinned", other_port): 403,
        ("/pinned", "http://evil.localhost:8000"): 403,
    }


async def test_refusing_before_accept_gives_only_http_403(database):
    with nb09_server(database) as server:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(server.ws_url("/ws/refuse-early/"), origin=server.origin):
                pass
    assert refused.value.response.status_code == 403
