"""ex14 wrong answer: turns on TCP keepalive, thinking the connection is dropped for being idle.

expect: socket_timeout=5
expect: socket_keepalive keeps the TCP connection alive
"""


def redis_channel_layer(url: str, capacity: int = 100) -> dict:
    """Return {"BACKEND": ..., "CONFIG": {...}} for a Redis channel layer at ``url``."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "socket_keepalive": True}], "capacity": capacity},
    }
