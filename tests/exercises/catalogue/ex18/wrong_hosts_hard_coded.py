"""ex18 wrong answer: copies the demo's hosts into a list of its own instead of reading settings.ALLOWED_HOSTS.

expect: settings.ALLOWED_HOSTS
expect: chat.example.com
"""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import OriginValidator


def protect(inner):
    return OriginValidator(AuthMiddlewareStack(inner), ["127.0.0.1", "localhost"])
