"""ex24 wrong answer: lists the servers as plain URLs, keeping redis-py's 5 s socket timeout.

expect: a quiet consumer would be dropped
"""


BACKEND = "channels_redis.core.RedisChannelLayer"


def channel_layers(redis_urls: list[str], capacity: int) -> dict:
    """Return CHANNEL_LAYERS with a "default" (chat) and a "jobs" layer on every server in ``redis_urls``."""
    hosts = list(redis_urls)
    return {
        "default": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "chat", "capacity": capacity}},
        "jobs": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "jobs", "capacity": 10 * capacity,
                                                 "expiry": 600}},
    }
