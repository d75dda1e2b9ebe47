"""ex14 wrong answer: removes the connect timeout (socket_connect_timeout) instead of the read timeout.

expect: socket_timeout=5
expect: socket_connect_timeout limits connecting
"""


def redis_channel_layer(url: str, capacity: int = 100) -> dict:
    """Return {"BACKEND": ..., "CONFIG": {...}} for a Redis channel layer at ``url``."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "socket_connect_timeout": None}], "capacity": capacity},
    }
