"""The demo on a real Redis layer: two daphne processes, an idle client, a worker, a command."""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from channels_lab import run_daphne, run_redis
from channels_lab.testing import require_redis
from channels_lab.processes import manage, run_worker

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def redis():
    require_redis()
    with run_redis() as server:
        yield server


@pytest.fixture(scope="module")
def two_daphnes(redis):
    """Two daphne processes sharing one Redis channel layer (REDIS_URL set, as in production)."""
    env = {"REDIS_URL": redis.url, "DEMO_DATABASE": ":memory:"}
    with run_daphne(env=env) as first, run_daphne(env=env) as second:
        yield first, second


def room(server, name="lobby"):
    return connect(server.ws_url(f"/ws/rooms/{name}/"), origin=server.origin)


async def next_message(ws, timeout=5):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def test_a_message_crosses_from_one_process_to_the_other(two_daphnes):
    first, second = two_daphnes
    async with room(first, "cross") as alice, room(second, "cross") as bob:
        await alice.send(json.dumps({"message": "from process one"}))
        assert (await next_message(alice))["message"] == "from process one"
        assert (await next_message(bob))["message"] == "from process one"
        await bob.send(json.dumps({"message": "and back"}))
        assert (await next_message(alice))["message"] == "and back"


async def test_a_client_idle_for_over_10_seconds_still_exchanges_messages(two_daphnes):
    """channels_redis issue 422: with redis-py 8's default 5 s socket timeout an idle consumer dies
    with "Timeout reading" (close 1011); the demo's socket_timeout None must prevent that."""
    first, second = two_daphnes
    async with room(first, "idle") as idle, room(second, "idle") as other:
        await asyncio.sleep(11)
        try:
            await idle.send(json.dumps({"message": "after 11 s"}))
            assert (await next_message(idle))["message"] == "after 11 s"
        except ConnectionClosed as closed:
            pytest.fail(f"the idle client was closed with {closed.rcvd}; server log:\n{first.output[-1500:]}")
        assert (await next_message(other))["message"] == "after 11 s"
        await other.send(json.dumps({"message": "reply"}))
        assert (await next_message(idle))["message"] == "reply"
    assert "Timeout reading" not in first.output + second.output


async def test_management_command_reaches_a_room_on_another_process(two_daphnes, redis):
    first, _ = two_daphnes
    async with room(first, "news") as alice:
        printed = await asyncio.to_thread(manage, "announce", "news", "hello from cron",
                                          env={"REDIS_URL": redis.url, "DEMO_DATABASE": ":memory:"})
        assert "sent to room.news" in printed
        assert await next_message(alice) == {"type": "message", "user": "server", "message": "hello from cron"}


async def test_runworker_serves_the_shouter_channel(two_daphnes, redis):
    from channels_redis.core import RedisChannelLayer

    _, second = two_daphnes
    layer = RedisChannelLayer(hosts=[{"address": redis.url, "socket_timeout": None}])
    try:
        with run_worker(["shouter"], env={"REDIS_URL": redis.url, "DEMO_DATABASE": ":memory:"}):
            async with room(second, "shouts") as bob:
                await layer.send("shouter", {"type": "shout", "room": "shouts", "message": "wake up"})
                assert await next_message(bob, timeout=10) == {"type": "message", "user": "worker", "message": "WAKE UP"}
    finally:
        await layer.close_pools()
