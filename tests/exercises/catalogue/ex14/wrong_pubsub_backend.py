"""ex14 wrong answer: picks the pub/sub layer, which notebook 07 shows does not queue the same way.

expect: channels_redis.core.RedisChannelLayer
"""



def redis_channel_layer(url: str, capacity: int = 100) -> dict:
    """Return {"BACKEND": ..., "CONFIG": {...}} for a Redis channel layer at ``url``."""
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "socket_timeout": None}], "capacity": capacity},
    }
