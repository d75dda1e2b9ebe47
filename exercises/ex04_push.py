"""ex04 — Push from the server, and tell HTTP clients to upgrade (notebooks/02_asgi_vs_wsgi.ipynb).

Write ``ticker(scope, receive, send)``, one bare ASGI application for two kinds of scope:

- ``websocket``: on ``websocket.connect``, accept, then at once send the text frames
  ``"tick 1"``, ``"tick 2"`` … ``"tick N"`` without waiting for the client, then close with
  code 1000. N comes from the query string (``scope["query_string"]`` is bytes such as
  ``b"count=5"``); without ``count`` it is 3.
- ``http``: read the request (``http.request``), then answer status 426 (Upgrade Required)
  with the header ``upgrade: websocket`` and the body ``b"connect with a WebSocket"``.
- any other type (``lifespan``, say): raise an exception, as ex03 did.

The query string may hold other parameters too (``b"room=lobby&count=2"``).

Check your work:  make check EX=ex04   (or check("ex04") at the end of the notebook)
Stuck?            make hint EX=ex04
"""

from urllib.parse import parse_qs  # noqa: F401 - parse_qs("count=5") == {"count": ["5"]}


async def ticker(scope, receive, send):
    """Push N ticks to a WebSocket client; tell an HTTP client to upgrade."""
    raise NotImplementedError("ex04 is not solved yet: write ticker() in exercises/ex04_push.py")
