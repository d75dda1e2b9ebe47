"""ex18 rightful variant: OriginValidator given settings.ALLOWED_HOSTS (patterns without a scheme compare the host only).
"""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import OriginValidator
from django.conf import settings


def protect(inner):
    return OriginValidator(AuthMiddlewareStack(inner), list(settings.ALLOWED_HOSTS))
