"""ex24 — Two apps, the same Redis servers, kept apart (notebooks/12_deploy_and_scale.ipynb).

The chat and a background-jobs app (its workers run ``manage.py runworker``) share the same
redis-servers, and scale out over several of them. Write ``channel_layers(redis_urls,
capacity)`` returning a ``CHANNEL_LAYERS`` setting with two channels_redis core layers:

- ``"default"``, the chat's: prefix ``"chat"``, capacity ``capacity`` (for channels-redis that bounds
  each group or named channel's queue, while all of one process's ``specific.…!`` channels share
  one key and one receive buffer: notebook 07), and
  channels-redis's default expiry (60 s: a chat message nobody read in a minute is stale);
- ``"jobs"``: prefix ``"jobs"``, ten times the capacity (jobs arrive in bursts), and an
  expiry of 600 s (a job may wait ten minutes for a worker).

Both spread their channels and groups over *every* server in ``redis_urls`` (channels-redis
shards by consistent hashing over its ``hosts``), and no host may time out a quiet
connection (redis-py's default socket timeout of 5 s drops a consumer that waits: notebook
07). With different prefixes, a group of one app is never reached from the other, even
under the same name.

Check your work:  make check EX=ex24   (or check("ex24") at the end of the notebook)
Stuck?            make hint EX=ex24
"""

BACKEND = "channels_redis.core.RedisChannelLayer"


def channel_layers(redis_urls: list[str], capacity: int) -> dict:
    """Return CHANNEL_LAYERS with a "default" (chat) and a "jobs" layer on every server in ``redis_urls``."""
    hosts = [{"address": url, "socket_timeout": None} for url in redis_urls]
    return {
        "default": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "chat", "capacity": capacity}},
        "jobs": {"BACKEND": BACKEND, "CONFIG": {"hosts": hosts, "prefix": "jobs", "capacity": 10 * capacity,
                                                 "expiry": 600}},
    }
