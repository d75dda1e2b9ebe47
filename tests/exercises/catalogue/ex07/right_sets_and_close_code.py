"""ex07 rightful variant: set arithmetic, dict.get, and a refusal that closes with an application code.
"""

from channels.generic.websocket import WebsocketConsumer

TICKETS = {"7f3a9c": "ada", "e1b2d4": "grace"}


class TicketConsumer(WebsocketConsumer):
    def connect(self):
        offer = set(self.scope.get("subprotocols") or ())
        users = {TICKETS.get(item.removeprefix("ticket.")) for item in offer if item.startswith("ticket.")} - {None}
        if "chat.v1" in offer and users:
            self.name = sorted(users)[0]
            self.accept("chat.v1")
        else:
            self.close(code=4401)

    def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            return
        self.send(text_data=self.name + ": " + text_data)
