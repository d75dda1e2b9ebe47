"""ex07 — A ticket in a subprotocol: accept, but never echo it (notebooks/04_websocket_consumer.ipynb).

A browser's ``new WebSocket(url, protocols)`` cannot set an Authorization header, so some
apps pass a ticket as one of the offered subprotocols: the page offers
``["chat.v1", "ticket.<value>"]``. The server must then answer with ``chat.v1``, never with
the ticket: a chosen subprotocol travels back in the response's Sec-WebSocket-Protocol header
(and into proxies' logs), and it must be one the client offered.

Write ``TicketConsumer``:

- accept only when the client offers ``chat.v1`` *and* an item ``"ticket." + t`` where ``t`` is
  a key of ``TICKETS`` (spelled exactly; the items may come in any order); accept with the
  subprotocol ``chat.v1``;
- otherwise refuse: close *before* accepting (a real client then gets HTTP 403);
- once connected, answer each text frame with ``"<user>: <text>"``, where ``<user>`` is the
  ticket's value in ``TICKETS`` (``"ada: hi"``).

Check your work:  make check EX=ex07   (or check("ex07") at the end of the notebook)
Stuck?            make hint EX=ex07
"""

from channels.generic.websocket import WebsocketConsumer

TICKETS = {"7f3a9c": "ada", "e1b2d4": "grace"}  # ticket -> user name
PREFIX = "ticket."


class TicketConsumer(WebsocketConsumer):
    """Accepts a client whose offer carries chat.v1 and a known ticket; answers as that user."""

    def connect(self):
        """Find the ticket in the offer; accept with chat.v1, or refuse."""
        offered = self.scope["subprotocols"]
        tickets = [name[len(PREFIX):] for name in offered if name.startswith(PREFIX)]
        self.user = next((TICKETS[t] for t in tickets if t in TICKETS), None)
        if self.user is None or "chat.v1" not in offered:
            self.close()
        else:
            self.accept(subprotocol="chat.v1")

    def receive(self, text_data=None, bytes_data=None):
        """Answer a text frame in the user's name."""
        if text_data is not None:
            self.send(text_data=f"{self.user}: {text_data}")
