"""ex17 — A members-only consumer with a clear close code (notebooks/09_auth_and_origins.ipynb).

Write ``MembersOnlyConsumer.connect``. ``AuthMiddlewareStack`` puts the user in
``self.scope["user"]``:

- a logged-in user is accepted and greeted with the text frame ``"hello, <username>"``;
- anyone else (an ``AnonymousUser``, or no ``"user"`` in the scope at all because the app is
  not wrapped in ``AuthMiddlewareStack``) is accepted and then closed with ``LOGIN_REQUIRED``
  (4401), so the page can tell them to log in (a message saying why may come before the
  close, and the close may carry a reason). Refusing before ``accept()`` would reach a
  browser only as an HTTP 403, without any code.

Check your work:  make check EX=ex17   (or check("ex17") at the end of the notebook)
Stuck?            make hint EX=ex17
"""

from channels.generic.websocket import AsyncWebsocketConsumer

LOGIN_REQUIRED = 4401  # 4000-4999: close codes free for applications (RFC 6455, 7.4.2)


class MembersOnlyConsumer(AsyncWebsocketConsumer):
    """Greets logged-in users; closes everyone else with LOGIN_REQUIRED."""

    async def connect(self):
        """Accept and greet a logged-in user; accept, then close with LOGIN_REQUIRED, anyone else."""
        raise NotImplementedError("ex17 is not solved yet: write MembersOnlyConsumer.connect() in exercises/ex17_members_only.py")
