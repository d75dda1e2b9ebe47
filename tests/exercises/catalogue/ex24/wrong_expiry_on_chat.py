"""ex24 wrong answer: gives the long 600 s expiry to the chat layer instead of the jobs layer.

expect: expiry 60
"""


BACKEND = "channels_redis.core.RedisChannelLayer"


def channel_layers(redis_urls: list[str], capacity: int) -> dict:
    """Return CHANNEL_LAYERS with a "default" (chat) and a "jobs" layer on every server in ``redis_urls``."""
    hosts = [{"address": url, "socket_timeout": None} for url in redis_urls]
    return {
        "default": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "chat", "capacity": capacity, "expiry": 600}},
        "jobs": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "jobs", "capacity": 10 * capacity,
                                                 "expiry": 600}},
    }
