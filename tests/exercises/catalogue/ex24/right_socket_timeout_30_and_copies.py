"""ex24 rightful variant: a 30 s socket timeout (above channels-redis's 5 s wait), separate host lists, explicit 60 s expiry.
"""


def channel_layers(redis_urls, capacity):
    def layer(prefix, capacity, expiry):
        hosts = [{"address": url, "socket_timeout": 30} for url in redis_urls]
        config = {"hosts": hosts, "prefix": prefix, "capacity": capacity, "expiry": expiry}
        return {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": config}

    return {"jobs": layer("jobs", capacity * 10, 600), "default": layer("chat", capacity, 60)}
