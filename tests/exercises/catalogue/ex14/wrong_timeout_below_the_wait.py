"""ex14 wrong answer: sets a socket timeout shorter than channels-redis's 5 s BZPOPMIN wait.

expect: socket_timeout=3
"""



def redis_channel_layer(url: str, capacity: int = 100) -> dict:
    """Return {"BACKEND": ..., "CONFIG": {...}} for a Redis channel layer at ``url``."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "socket_timeout": 3}], "capacity": capacity},
    }
