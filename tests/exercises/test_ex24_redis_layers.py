"""ex24: channel_layers(redis_urls, capacity): a chat layer and a jobs layer, sharded over real redis-servers, kept apart."""

import asyncio
import contextlib

import pytest
import redis as redis_py
from django.utils.module_loading import import_string

from channels_lab import run_redis
from channels_lab.testing import require_redis

WAIT = 5  # seconds a message may take to arrive


@pytest.fixture(scope="module")
def servers():
    """Two throw-away redis-servers."""
    require_redis()
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(run_redis()) for _ in range(2)]


@pytest.fixture(scope="module")
def channel_layers(submission):
    return submission("ex24_redis_layers.py").channel_layers


def build(setting, alias):
    """One layer of the setting, built the way Channels builds it from CHANNEL_LAYERS."""
    assert type(setting) is dict and alias in setting, f"expected a dict with a {alias!r} layer, got {setting!r}"
    layer = setting[alias]
    return import_string(layer["BACKEND"])(**layer.get("CONFIG", {}))


@contextlib.asynccontextmanager
async def layers(setting, *aliases):
    built = [build(setting, alias) for alias in aliases]
    try:
        yield built
    finally:
        for layer in built:
            if hasattr(layer, "close_pools"):
                await layer.close_pools()


def keys_on(server):
    client = redis_py.Redis.from_url(server.url)
    try:
        return [key.decode() for key in client.keys("*")]
    finally:
        client.close()


def flush(servers):
    for server in servers:
        client = redis_py.Redis.from_url(server.url)
        client.flushall()
        client.close()


@pytest.mark.parametrize("alias, prefix, factor, expiry", [("default", "chat", 1, 60), ("jobs", "jobs", 10, 600)])
def test_each_layer_has_its_prefix_capacity_and_expiry(channel_layers, servers, alias, prefix, factor, expiry):
    """The chat layer: prefix chat, the capacity, expiry 60 s; the jobs layer: prefix jobs, ten times it, 600 s"""
    setting = channel_layers([s.url for s in servers], 50)
    layer = build(setting, alias)
    assert type(layer).__module__ + "." + type(layer).__name__ == "channels_redis.core.RedisChannelLayer", \
        f"expected the {alias!r} layer to be channels_redis.core.RedisChannelLayer, got {type(layer).__name__}"
    got = (layer.prefix, layer.capacity, layer.expiry)
    assert got == (prefix, 50 * factor, expiry), (
        f"expected the {alias!r} layer to have prefix {prefix!r}, capacity {50 * factor} and expiry {expiry}, "
        f"got prefix {got[0]!r}, capacity {got[1]} and expiry {got[2]}")


@pytest.mark.parametrize("alias", ["default", "jobs"])
def test_every_server_is_a_host_with_no_socket_timeout(channel_layers, servers, alias):
    """Each layer lists every server as a host, none with a socket timeout"""
    urls = [s.url for s in servers]
    layer = build(channel_layers(urls, 50), alias)
    addresses = [host.get("address") for host in layer.hosts]
    assert addresses == urls, f"expected the {alias!r} layer's hosts to be every server {urls}, got {addresses}"
    timeouts = [host.get("socket_timeout", "redis-py's default of 5 s") for host in layer.hosts]
    assert all(t is None or (type(t) in (int, float) and t > 5) for t in timeouts), (
        f"expected no socket timeout (or one above channels-redis's 5 s wait) on the {alias!r} layer's hosts, "
        f"got {timeouts}: a quiet consumer would be dropped")


async def test_channels_are_spread_over_both_servers(channel_layers, servers):
    """Messages to many channels land on both servers, under each layer's own prefix"""
    flush(servers)
    setting = channel_layers([s.url for s in servers], 50)
    async with layers(setting, "default", "jobs") as (chat, jobs):
        for n in range(40):
            await chat.send(f"room-{n}", {"type": "note"})
            await jobs.send(f"task-{n}", {"type": "job"})
    found = [keys_on(server) for server in servers]
    for index, keys in enumerate(found):
        for prefix in ("chat", "jobs"):
            assert any(k.startswith(prefix) for k in keys), (
                f"expected some {prefix!r} keys on server {index + 1} of 2, found {sorted(keys)[:6]}: spread each "
                "layer over every server")


async def test_a_group_of_one_app_is_not_reached_from_the_other(channel_layers, servers):
    """A group in the chat layer is not reached by the jobs layer's group_send of the same name, and back"""
    flush(servers)
    setting = channel_layers([s.url for s in servers], 50)
    async with layers(setting, "default", "jobs", "default", "jobs") as (chat, jobs, chat_2, jobs_2):
        chat_member, jobs_member = await chat.new_channel(), await jobs.new_channel()
        await chat.group_add("updates", chat_member)
        await jobs.group_add("updates", jobs_member)
        await jobs_2.group_send("updates", {"type": "job.note", "n": 1})
        await chat_2.group_send("updates", {"type": "chat.note", "n": 2})
        got_chat = await asyncio.wait_for(chat.receive(chat_member), WAIT)
        got_jobs = await asyncio.wait_for(jobs.receive(jobs_member), WAIT)
        assert (got_chat["type"], got_jobs["type"]) == ("chat.note", "job.note"), (
            f"the chat member got {got_chat['type']!r} and the jobs member {got_jobs['type']!r}: with one prefix "
            "for both layers, one app's group_send reaches the other's group")
