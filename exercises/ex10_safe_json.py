"""ex10 — A JSON consumer that survives bad input (notebooks/05_json_consumer.ipynb).

``JsonWebsocketConsumer.receive`` decodes every frame and lets errors kill the consumer.
Override ``receive(self, text_data=None, bytes_data=None, **kwargs)`` in ``SafeEchoConsumer``:

- a binary frame: close the connection with code ``UNSUPPORTED_DATA`` (4003);
- a text frame that is not JSON (malformed, empty, or nested too deeply for the parser),
  or JSON that is not an object (``42``, ``[1, 2]``, ``null``): reply
  ``{"error": "<a sentence saying what is wrong>"}`` and keep the connection open;
- a JSON object: hand it to ``self.receive_json(content)``, which echoes it as ``{"echo": ...}``.

Check your work:  make check EX=ex10   (or check("ex10") at the end of the notebook)
Stuck?            make hint EX=ex10
"""

from channels.generic.websocket import JsonWebsocketConsumer

UNSUPPORTED_DATA = 4003  # daphne lets an application close with 1000 or 3000-4999 only


class SafeEchoConsumer(JsonWebsocketConsumer):
    """Echoes JSON objects; answers bad text with an error; closes on binary frames."""

    def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Decode one frame safely, then pass a JSON object on to receive_json()."""
        raise NotImplementedError("ex10 is not solved yet: write receive() in exercises/ex10_safe_json.py")

    def receive_json(self, content, **kwargs):
        self.send_json({"echo": content})
