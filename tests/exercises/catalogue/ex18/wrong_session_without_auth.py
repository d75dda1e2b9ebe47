"""ex18 wrong answer: wraps inner in SessionMiddlewareStack, which gives a session but no scope["user"].

expect: no user in scope
"""

from channels.security.websocket import AllowedHostsOriginValidator
from channels.sessions import SessionMiddlewareStack


def protect(inner):
    return AllowedHostsOriginValidator(SessionMiddlewareStack(inner))
