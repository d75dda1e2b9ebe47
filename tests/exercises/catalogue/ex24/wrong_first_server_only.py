"""ex24 wrong answer: puts only the first server in hosts.

expect: every server
"""


BACKEND = "channels_redis.core.RedisChannelLayer"


def channel_layers(redis_urls: list[str], capacity: int) -> dict:
    """Return CHANNEL_LAYERS with a "default" (chat) and a "jobs" layer on every server in ``redis_urls``."""
    hosts = [{"address": redis_urls[0], "socket_timeout": None}]
    return {
        "default": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "chat", "capacity": capacity}},
        "jobs": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "jobs", "capacity": 10 * capacity,
                                                 "expiry": 600}},
    }
