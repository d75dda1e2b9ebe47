"""ex08 rightful variant: the group name as a constant, a close with a reason, goodbye then close() with its default code.
"""

from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer

LOBBY = "lobby"


class LobbyConsumer(WebsocketConsumer):
    groups = [LOBBY]

    def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            return self.close(code=4003, reason="text only, please")
        if text_data.strip() == "/quit" and text_data == "/quit":
            self.send(text_data="goodbye")
            return self.close()
        event = {"type": "lobby.message", "text": text_data}
        async_to_sync(self.channel_layer.group_send)(LOBBY, event)

    def lobby_message(self, event):
        self.send(event["text"])
