"""ex07 — Choose a subprotocol or refuse (notebooks/04_websocket_consumer.ipynb).

A client lists the subprotocols it speaks; they arrive in ``self.scope["subprotocols"]``.
Write ``GatekeeperConsumer``:

- when the client offers ``chat.v2``, accept with ``chat.v2`` (even if it lists ``chat.v1`` first);
- else, when it offers ``chat.v1``, accept with ``chat.v1``;
- else refuse: close *before* accepting (a real client then gets HTTP 403);
- once connected, answer each text frame with ``"<subprotocol>: <text>"``, e.g. ``"chat.v2: hi"``.

Check your work:  make check EX=ex07   (or check("ex07") at the end of the notebook)
Stuck?            make hint EX=ex07
"""

from channels.generic.websocket import WebsocketConsumer

SUPPORTED = ("chat.v2", "chat.v1")  # best first


class GatekeeperConsumer(WebsocketConsumer):
    """Accepts chat.v2 or chat.v1, best first; refuses every other offer."""

    def connect(self):
        """Choose the best subprotocol the client offers, or refuse the connection."""
        raise NotImplementedError("ex07 is not solved yet: write connect() in exercises/ex07_subprotocol_gate.py")

    def receive(self, text_data=None, bytes_data=None):
        """Answer a text frame with the chosen subprotocol and the text."""
        raise NotImplementedError("ex07 is not solved yet: write receive() in exercises/ex07_subprotocol_gate.py")
