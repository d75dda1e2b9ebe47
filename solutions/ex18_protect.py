"""ex18 — Protect a WebSocket app: origins and sessions (notebooks/09_auth_and_origins.ipynb).

Write ``protect(inner)``: it wraps the ASGI application ``inner`` (a URLRouter of consumers)
so that

- a connection whose ``Origin`` header names a host outside ``settings.ALLOWED_HOSTS``
  (``127.0.0.1`` and ``localhost`` in the demo; read the setting when ``protect()`` is
  called), or that sends no ``Origin`` at all, is refused before ``inner`` sees it
  (cross-site WebSocket hijacking). Only the host is compared: the site's pages are served
  on more than one port;
- ``inner`` finds the user of the session cookie in ``scope["user"]`` (an ``AnonymousUser``
  without one).

Use the wrappers Channels provides; do not write your own header parsing.

Check your work:  make check EX=ex18   (or check("ex18") at the end of the notebook)
Stuck?            make hint EX=ex18
"""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator


def protect(inner):
    """Return ``inner`` wrapped with an origin check and session authentication."""
    return AllowedHostsOriginValidator(AuthMiddlewareStack(inner))
