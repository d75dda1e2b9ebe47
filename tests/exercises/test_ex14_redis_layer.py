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


async def test_an_idle_receiver_survives_six_seconds(make_config, redis_url):
    """A receiver idle for 6 s (longer than redis-py 8's default 5 s socket timeout) still gets its message"""
    sender, receiver = build(make_config(redis_url)), build(make_config(redis_url))
    try:
        name = await receiver.new_channel()
        waiting = asyncio.ensure_future(receiver.receive(name))
        await asyncio.sleep(6)
        if waiting.done() and waiting.exception() is not None:
            error = waiting.exception()
            pytest.fail(f"expected the idle receive() to keep waiting, got {type(error).__name__}: {error}",
                        pytrace=False)
        await sender.send(name, {"type": "note", "text": "after 6 s"})
        got = await asyncio.wait_for(waiting, 5)
        assert got["text"] == "after 6 s", f"expected the late note, got {got!r}"
    finally:
        await sender.close_pools()
        await receiver.close_pools()
