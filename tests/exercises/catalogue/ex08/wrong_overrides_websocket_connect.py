"""ex08 wrong answer: joins and leaves by overriding websocket_connect and websocket_disconnect, which the task forbids.

expect: not to override
"""


from asgiref.sync import async_to_sync
from channels.generic.websocket import WebsocketConsumer

UNSUPPORTED_DATA = 4003  # our own code for 'binary frames are not accepted'


class LobbyConsumer(WebsocketConsumer):
    """Everyone in the lobby hears every text frame; binary frames are refused with 4003."""

    groups = ["lobby"]

    def websocket_connect(self, message):
        async_to_sync(self.channel_layer.group_add)("lobby", self.channel_name)
        self.accept()

    def websocket_disconnect(self, message):
        async_to_sync(self.channel_layer.group_discard)("lobby", self.channel_name)
        raise __import__("channels").exceptions.StopConsumer()

    def receive(self, text_data=None, bytes_data=None):
        """Share a text frame with the lobby, say goodbye to "/quit", refuse binary frames."""
        if text_data is None:
            self.close(code=UNSUPPORTED_DATA)
        elif text_data == "/quit":
            self.send(text_data="goodbye", close=True)
        else:
            async_to_sync(self.channel_layer.group_send)("lobby", {"type": "lobby.message", "text": text_data})

    def lobby_message(self, event):
        """A lobby event: pass its text on to this client."""
        self.send(text_data=event["text"])
