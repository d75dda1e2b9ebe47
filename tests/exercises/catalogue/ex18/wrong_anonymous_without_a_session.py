"""ex18 wrong answer: checks origins, then puts an AnonymousUser in every scope itself, with no session behind it.

expect: expected the consumer to see alice
expect: 'anonymous'
"""

from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser


def protect(inner):
    async def with_user(scope, receive, send):
        return await inner({**scope, "user": scope.get("user", AnonymousUser())}, receive, send)
    return AllowedHostsOriginValidator(with_user)
