"""ex08 — A lobby with groups, close codes and a last word (notebooks/04_websocket_consumer.ipynb).

Write ``LobbyConsumer``, a ``WebsocketConsumer`` that:

- joins the group ``"lobby"`` when it connects and leaves it when it disconnects, through the
  ``groups`` class attribute (do not override ``websocket_connect``/``websocket_disconnect``);
- shares every text frame with everyone in the lobby, sender included: it sends the group an
  event ``{"type": "lobby.message", "text": <the text>}`` and each member's handler for that
  event sends the text to its client;
- closes with code 4003 when it receives a binary frame (RFC 6455 has 1003, "unsupported
  data", but daphne lets an application send only 1000 and 3000-4999: notebook 05 shows it);
- answers the text ``"/quit"`` (and only to the sender) with ``"goodbye"`` and then closes the
  connection (with any code you like; the others stay in the lobby and hear nothing of it).

Check your work:  make check EX=ex08   (or check("ex08") at the end of the notebook)
Stuck?            make hint EX=ex08
"""

from asgiref.sync import async_to_sync  # noqa: F401 - you will need it
from channels.generic.websocket import WebsocketConsumer

UNSUPPORTED_DATA = 4003  # our own code for 'binary frames are not accepted'


class LobbyConsumer(WebsocketConsumer):
    """Everyone in the lobby hears every text frame; binary frames are refused with 4003."""

    def connect(self):
        """(Delete this stub when you are done: the finished consumer needs no connect() of its own.)"""
        raise NotImplementedError("ex08 is not solved yet: write LobbyConsumer in exercises/ex08_lobby.py")

    def receive(self, text_data=None, bytes_data=None):
        """Share a text frame with the lobby, say goodbye to "/quit", refuse binary frames."""
        raise NotImplementedError("ex08 is not solved yet: write receive() in exercises/ex08_lobby.py")

    def lobby_message(self, event):
        """A lobby event: pass its text on to this client."""
        raise NotImplementedError("ex08 is not solved yet: write lobby_message() in exercises/ex08_lobby.py")
