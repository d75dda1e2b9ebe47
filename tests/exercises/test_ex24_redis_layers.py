"""ex24: channel_layers(redis_url, capacity) -> a CHANNEL_LAYERS setting shared through Redis."""

import asyncio

import pytest
from django.utils.module_loading import import_string

from channels_lab import run_redis
from channels_lab.testing import require_redis

WAIT = 5  # seconds a message may take to arrive


@pytest.fixture(scope="module")
def redis():
    require_redis()
    with run_redis() as server:
        yield server


@pytest.fixture(scope="module")
def channel_layers(submission):
    return submission("ex24_redis_layers.py").channel_layers


def build(setting):
    """The default layer, built the way Channels builds it from CHANNEL_LAYERS (once per process)."""
    assert isinstance(setting, dict) and "default" in setting, f"expected a dict with a 'default' layer, got {setting!r}"
    default = setting["default"]
    return import_string(default["BACKEND"])(**default.get("CONFIG", {}))


async def two_processes(setting):
    """Two layers built from the same setting: what two daphne processes would each hold."""
    return build(setting), build(setting)


async def close(*layers):
    for layer in layers:
        if hasattr(layer, "close_pools"):
            await layer.close_pools()


async def test_a_message_crosses_between_two_processes(channel_layers, redis):
    """A message sent by one process reaches a channel of another: both use the redis-server at the URL given"""
    first, second = await two_processes(channel_layers(redis.url, 100))
    try:
        channel = await second.new_channel()
        await first.send(channel, {"type": "hello", "n": 1})
        got = await asyncio.wait_for(second.receive(channel), WAIT)
        assert got == {"type": "hello", "n": 1}, f"expected {{'type': 'hello', 'n': 1}}, got {got!r}"
    except TimeoutError:
        pytest.fail("the message sent by one process never reached the other: is the layer shared through Redis?",
                    pytrace=False)
    finally:
        await close(first, second)


async def test_a_group_spans_two_processes(channel_layers, redis):
    """A group joined in one process hears a group_send made in the other"""
    first, second = await two_processes(channel_layers(redis.url, 100))
    try:
        channel = await second.new_channel()
        await second.group_add("room.ex24", channel)
        await first.group_send("room.ex24", {"type": "chat.message", "message": "across"})
        got = await asyncio.wait_for(second.receive(channel), WAIT)
        assert got["message"] == "across", f"expected 'across', got {got!r}"
    except TimeoutError:
        pytest.fail("the group message never arrived in the other process", pytrace=False)
    finally:
        await close(first, second)


async def test_the_capacity_is_the_one_given(channel_layers, redis):
    """With capacity 30, a burst of 40 group messages to a member that is not reading leaves exactly 30"""
    first, second = await two_processes(channel_layers(redis.url, 30))
    try:
        channel = await second.new_channel()
        await second.group_add("room.ex24.burst", channel)
        for n in range(40):
            await first.group_send("room.ex24.burst", {"type": "chat.message", "n": n})
        kept = [(await asyncio.wait_for(second.receive(channel), WAIT))["n"] for _ in range(30)]
        await first.group_send("room.ex24.burst", {"type": "chat.message", "n": "end"})
        after = (await asyncio.wait_for(second.receive(channel), WAIT))["n"]
        got = (kept == list(range(30)), after)
        assert got == (True, "end"), (f"expected messages 0-29 kept and 30-39 refused (next came 'end'), "
                                      f"got the first 30 in order: {got[0]}, then {after!r}")
    except TimeoutError:
        pytest.fail("fewer than 30 messages arrived: is the capacity the one given?", pytrace=False)
    finally:
        await close(first, second)


def test_idle_connections_are_not_cut(channel_layers, redis):
    """The Redis host sets socket_timeout None (redis-py 8 would cut a quiet consumer after 5 s)"""
    config = channel_layers(redis.url, 100)["default"].get("CONFIG", {})
    hosts = config.get("hosts", [])
    host = hosts[0] if hosts else None
    got = host.get("socket_timeout", "not set") if isinstance(host, dict) else f"hosts[0] is {host!r}"
    assert got is None, f"expected hosts[0] to be a dict with 'socket_timeout': None, got {got!r}"
