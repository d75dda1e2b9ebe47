"""ex18 wrong answer: lists the demo's origins with port 8000, so the same hosts on any other port are refused.

expect: http://localhost:5173
expect: the port does not matter
"""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import OriginValidator


def protect(inner):
    return OriginValidator(AuthMiddlewareStack(inner), ["http://127.0.0.1:8000", "http://localhost:8000"])
