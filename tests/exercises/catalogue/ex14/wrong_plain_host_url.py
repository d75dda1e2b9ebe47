"""ex14 wrong answer: lists the URL as a plain host, keeping redis-py's 5 s socket timeout.

expect: socket_timeout=5
"""



def redis_channel_layer(url: str, capacity: int = 100) -> dict:
    """Return {"BACKEND": ..., "CONFIG": {...}} for a Redis channel layer at ``url``."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [url], "capacity": capacity},
    }
