"""ex09 — Send dates as JSON (notebooks/05_json_consumer.ipynb).

``AgendaConsumer`` answers every message with the next meeting, and that reply holds a
``datetime.date`` and a ``datetime.datetime``, which ``json.dumps`` cannot encode.
Override the classmethod ``encode_json(content)`` so that it returns JSON text in which:

- dates and datetimes (at any depth) are ISO 8601 strings: ``"2026-11-25"``,
  ``"2026-11-25T09:30:00+00:00"`` (a ``T`` between date and time, as JavaScript's
  ``new Date(...)`` expects; ``str(datetime)`` puts a space there);
- everything else JSON can encode comes out exactly as ``json.dumps`` writes it;
- values JSON cannot represent (a set, say) still raise ``TypeError``, as ``json.dumps`` does.

Check your work:  make check EX=ex09   (or check("ex09") at the end of the notebook)
Stuck?            make hint EX=ex09
"""

import datetime
import json

from channels.generic.websocket import JsonWebsocketConsumer

NEXT_MEETING = {
    "title": "stand-up",
    "day": datetime.date(2026, 11, 25),
    "starts": datetime.datetime(2026, 11, 25, 9, 30, tzinfo=datetime.timezone.utc),
    "room": 4,
    "online": False,
}


class AgendaConsumer(JsonWebsocketConsumer):
    """Answers any JSON message with {"next": NEXT_MEETING}."""

    def receive_json(self, content, **kwargs):
        self.send_json({"next": NEXT_MEETING})

    @classmethod
    def encode_json(cls, content):
        """Encode ``content`` as JSON text, writing dates and datetimes in ISO 8601."""
        raise NotImplementedError("ex09 is not solved yet: write encode_json() in exercises/ex09_json_dates.py")
