"""ex14 wrong answer: retry_on_timeout instead of a longer read timeout (one retry, still 5 s per read; dies after 10 s idle).

expect: socket_timeout=5
expect: retry_on_timeout only repeats
"""


def redis_channel_layer(url: str, capacity: int = 100) -> dict:
    """Return {"BACKEND": ..., "CONFIG": {...}} for a Redis channel layer at ``url``."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "retry_on_timeout": True}], "capacity": capacity},
    }
