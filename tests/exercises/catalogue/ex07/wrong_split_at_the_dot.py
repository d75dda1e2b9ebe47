"""ex07 wrong answer: takes the ticket as the part after the first dot, so a suffix after another dot is ignored.

expect: ticket.7f3a9c.extra
"""


from channels.generic.websocket import WebsocketConsumer

TICKETS = {"7f3a9c": "ada", "e1b2d4": "grace"}  # ticket -> user name
PREFIX = "ticket."


class TicketConsumer(WebsocketConsumer):
    """Accepts a client whose offer carries chat.v1 and a known ticket; answers as that user."""

    def connect(self):
        """Find the ticket in the offer; accept with chat.v1, or refuse."""
        offered = self.scope["subprotocols"]
        tickets = [name.split(".")[1] for name in offered if name.startswith(PREFIX)]
        self.user = next((TICKETS[t] for t in tickets if t in TICKETS), None)
        if self.user is None or "chat.v1" not in offered:
            self.close()
        else:
            self.accept(subprotocol="chat.v1")

    def receive(self, text_data=None, bytes_data=None):
        """Answer a text frame in the user's name."""
        if text_data is not None:
            self.send(text_data=f"{self.user}: {text_data}")
