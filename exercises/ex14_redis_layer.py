"""ex14 — A Redis channel layer that survives idle consumers (notebooks/07_channel_layers.ipynb).

Write ``redis_channel_layer(url, capacity)``: it returns what goes in
``settings.CHANNEL_LAYERS["default"]`` for a ``channels_redis`` layer on the Redis server at
``url`` (such as ``"redis://127.0.0.1:6379"``), built with the ``capacity`` you are given (on this
layer it limits the messages waiting in one key: a plain channel's, or all of one process's
``specific.`` channels together, as the notebook shows). A consumer that waits with no traffic
for more than 5 seconds must keep working (with redis-py 8 that needs one extra host setting:
see the notebook).

Check your work:  make check EX=ex14   (or check("ex14") at the end of the notebook)
Stuck?            make hint EX=ex14
"""


def redis_channel_layer(url: str, capacity: int = 100) -> dict:
    """Return {"BACKEND": ..., "CONFIG": {...}} for a Redis channel layer at ``url``."""
    raise NotImplementedError("ex14 is not solved yet: write redis_channel_layer() in exercises/ex14_redis_layer.py")
