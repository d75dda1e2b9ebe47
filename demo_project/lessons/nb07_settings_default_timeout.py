"""Notebook 07: the demo's settings, but the Redis layer keeps redis-py's default socket timeout.

Serve with ``run_daphne(env={"REDIS_URL": url, "DJANGO_SETTINGS_MODULE": "lessons.nb07_settings_default_timeout"})``.
With redis-py 8, an idle consumer's blocking read then times out after 5 s (channels_redis issue 422).
"""

from demo_project.settings import *  # noqa: F403

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},  # noqa: F405 - a plain URL: socket_timeout stays 5 s
    }
}
