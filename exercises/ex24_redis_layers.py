"""ex24 — Configure a channel layer that several daphne processes share (notebooks/12_deploy_and_scale.ipynb).

Two daphne processes only share groups through Redis. Write the CHANNEL_LAYERS setting
that puts them on one redis-server, with a capacity chosen for your bursts, and that does
not cut idle connections.

Check your work:  make check EX=ex24   (or check("ex24") at the end of the notebook)
Stuck?            make hint EX=ex24
"""


def channel_layers(redis_url: str, capacity: int) -> dict:
    """Return a CHANNEL_LAYERS setting: a "default" Redis layer on ``redis_url``.

    Each channel holds at most ``capacity`` messages, and the connection to Redis has no
    socket timeout (redis-py's default of 5 s drops a consumer that waits quietly).
    """
    raise NotImplementedError("ex24 is not solved yet: write channel_layers() in exercises/ex24_redis_layers.py")
