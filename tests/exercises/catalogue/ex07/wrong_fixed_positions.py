"""ex07 wrong answer: expects chat.v1 first and the ticket second.

expect: any order
"""


from channels.generic.websocket import WebsocketConsumer

TICKETS = {"7f3a9c": "ada", "e1b2d4": "grace"}  # ticket -> user name
PREFIX = "ticket."


class TicketConsumer(WebsocketConsumer):
    """Accepts a client whose offer carries chat.v1 and a known ticket; answers as that user."""

    def connect(self):
        """Find the ticket in the offer; accept with chat.v1, or refuse."""
        offered = self.scope["subprotocols"]
        tickets = [offered[1][len(PREFIX):]] if len(offered) > 1 and offered[1].startswith(PREFIX) else []
        self.user = next((TICKETS[t] for t in tickets if t in TICKETS), None)
        if self.user is None or offered[0] != "chat.v1":
            self.close()
        else:
            self.accept(subprotocol="chat.v1")

    def receive(self, text_data=None, bytes_data=None):
        """Answer a text frame in the user's name."""
        if text_data is not None:
            self.send(text_data=f"{self.user}: {text_data}")
