"""ex18 rightful variant: the three middlewares of AuthMiddlewareStack written out, inside AllowedHostsOriginValidator.
"""

from channels.auth import AuthMiddleware
from channels.security.websocket import AllowedHostsOriginValidator
from channels.sessions import CookieMiddleware, SessionMiddleware


def protect(inner):
    return AllowedHostsOriginValidator(CookieMiddleware(SessionMiddleware(AuthMiddleware(inner))))
