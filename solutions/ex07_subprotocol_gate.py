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
        offered = self.scope["subprotocols"]
        self.chosen = next((name for name in SUPPORTED if name in offered), None)
        if self.chosen is None:
            self.close()
        else:
            self.accept(subprotocol=self.chosen)

    def receive(self, text_data=None, bytes_data=None):
        """Answer a text frame with the chosen subprotocol and the text."""
        if text_data is not None:
            self.send(text_data=f"{self.chosen}: {text_data}")
