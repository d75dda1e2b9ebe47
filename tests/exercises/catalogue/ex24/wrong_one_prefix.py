"""ex24 wrong answer: gives both layers the same prefix, so their groups mix.

expect: one app's group_send reaches the other's group
"""


BACKEND = "channels_redis.core.RedisChannelLayer"


def channel_layers(redis_urls: list[str], capacity: int) -> dict:
    """Return CHANNEL_LAYERS with a "default" (chat) and a "jobs" layer on every server in ``redis_urls``."""
    hosts = [{"address": url, "socket_timeout": None} for url in redis_urls]
    return {
        "default": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "chat", "capacity": capacity}},
        "jobs": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "chat", "capacity": 10 * capacity,
                                                 "expiry": 600}},
    }
