"""ex14 rightful variant: the host stays a URL string; redis-py reads socket_timeout=60 from its query string.
"""


def redis_channel_layer(url, capacity=100):
    separator = "&" if "?" in url else "?"
    return dict(BACKEND="channels_redis.core.RedisChannelLayer",
                CONFIG=dict(hosts=[f"{url}{separator}socket_timeout=60"], capacity=capacity))
