"""ex14 wrong answer: socket_timeout 5, equal to (not above) channels-redis's 5 s BZPOPMIN wait.

expect: socket_timeout=5
expect: above the layer's 5 s BZPOPMIN
"""


def redis_channel_layer(url: str, capacity: int = 100) -> dict:
    """Return {"BACKEND": ..., "CONFIG": {...}} for a Redis channel layer at ``url``."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "socket_timeout": 5}], "capacity": capacity},
    }
