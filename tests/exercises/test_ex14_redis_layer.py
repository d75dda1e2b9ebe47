"""ex14: redis_channel_layer(url, capacity), checked against a real redis-server."""

import asyncio

import pytest
from django.utils.module_loading import import_string

from channels_lab import run_redis
from channels_lab.testing import require_redis


@pytest.fixture(scope="module")
def redis_url():
    require_redis()
    with run_redis() as server:
        yield server.url


@pytest.fixture
def make_config(submission):
    return submission("ex14_redis_layer.py").redis_channel_layer


def build(config):
    """Build the layer exactly as Channels does from settings.CHANNEL_LAYERS["default"]."""
    return import_string(config["BACKEND"])(**config.get("CONFIG", {}))


def test_it_is_the_redis_core_layer_with_your_capacity(make_config, redis_url):
    """It builds channels_redis.core.RedisChannelLayer with the capacity you pass"""
    config = make_config(redis_url, capacity=7)
    got = config.get("BACKEND")
    assert got == "channels_redis.core.RedisChannelLayer", (
        f"expected BACKEND 'channels_redis.core.RedisChannelLayer', got {got!r}")
    capacity = build(config).capacity
    assert capacity == 7, f"expected capacity 7, got {capacity!r}"


async def test_two_layers_exchange_a_message_through_redis(make_config, redis_url):
    """Two layers built from it (as in two processes) exchange a message through Redis"""
    sender, receiver = build(make_config(redis_url)), build(make_config(redis_url))
    try:
        name = await receiver.new_channel()
        await sender.send(name, {"type": "note", "text": "across"})
        got = await asyncio.wait_for(receiver.receive(name), 5)
        assert got == {"type": "note", "text": "across"}, f"expected the note, got {got!r}"
    finally:
        await sender.close_pools()
        await receiver.close_pools()


def read_timeout_advice(host):
    """What the host entry did instead of raising redis-py's read timeout, in the learner's terms."""
    extra = []
    if isinstance(host, dict):
        if host.get("retry_on_timeout"):
            extra.append("retry_on_timeout only repeats a read that already timed out, once, with the same limit")
        if "socket_connect_timeout" in host and "socket_timeout" not in host:
            extra.append("socket_connect_timeout limits connecting, not the wait for a reply")
        if host.get("socket_keepalive"):
            extra.append("socket_keepalive keeps the TCP connection alive but does not lengthen a read")
    return "".join(f"; {line}" for line in extra)


def test_a_read_may_wait_longer_than_the_layers_bzpopmin(make_config, redis_url):
    """The layer's Redis connections let a read wait longer than channels-redis's 5 s BZPOPMIN (socket_timeout)"""
    config = make_config(redis_url)
    layer = build(config)
    if not hasattr(layer, "create_pool"):
        pytest.fail(f"expected BACKEND 'channels_redis.core.RedisChannelLayer', got {config.get('BACKEND')!r}",
                    pytrace=False)
    connection = layer.create_pool(0).make_connection()  # the connection a receive() would use; nothing connects
    timeout = connection.socket_timeout
    assert timeout is None or (type(timeout) in (int, float) and timeout > layer.brpop_timeout), (
        f"expected socket_timeout (redis-py's read timeout) to be None or above the layer's "
        f"{layer.brpop_timeout} s BZPOPMIN wait, got socket_timeout={timeout!r}: an idle receive() would raise "
        f"TimeoutError{read_timeout_advice(layer.hosts[0])}")


async def test_an_idle_receiver_survives_six_seconds(make_config, redis_url):
    """A receiver idle for 6 s (longer than redis-py 8's default 5 s socket timeout) still gets its message"""
    sender, receiver = build(make_config(redis_url)), build(make_config(redis_url))
    try:
        name = await receiver.new_channel()
        waiting = asyncio.ensure_future(receiver.receive(name))
        await asyncio.sleep(6)
        if waiting.done() and waiting.exception() is not None:
            error = waiting.exception()
            pytest.fail(f"expected the idle receive() to keep waiting, got {type(error).__name__}: {error} "
                        "(socket_timeout, redis-py's read timeout, must let a 5 s BZPOPMIN finish)", pytrace=False)
        await sender.send(name, {"type": "note", "text": "after 6 s"})
        got = await asyncio.wait_for(waiting, 5)
        assert got["text"] == "after 6 s", f"expected the late note, got {got!r}"
    finally:
        await sender.close_pools()
        await receiver.close_pools()
