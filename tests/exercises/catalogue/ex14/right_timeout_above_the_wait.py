"""ex14 rightful variant: a socket timeout of 30 s, above channels-redis's 5 s BZPOPMIN wait, and keyword building.
"""


def redis_channel_layer(url, capacity=100):
    host = dict(address=url, socket_timeout=30)
    return dict(BACKEND="channels_redis.core.RedisChannelLayer", CONFIG=dict(hosts=[host], capacity=capacity))
