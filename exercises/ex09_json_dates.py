"""ex09 — Dates across the wire, both ways (notebooks/05_json_consumer.ipynb).

JSON has no date type, so an app agrees on a convention. Here: a key ending in ``_on`` holds
a date, ``"2026-11-25"``; a key ending in ``_at`` holds a moment in time with its UTC offset,
``"2026-11-25T09:30:00+00:00"``. ``BookingConsumer`` books a room: the client sends
``{"room": "4b", "starts_at": "2026-11-25T09:30:00+00:00", "minutes": 45}`` and gets back
``{"room": "4b", "starts_at": ..., "ends_at": ..., "booked_on": "2026-11-25"}``.
``receive_json`` is written; override the two classmethods it relies on:

- ``decode_json(text_data)``: parse the JSON text, then, in every dict at any depth (inside
  lists too), turn the value of each key ending in ``_on`` into a ``datetime.date`` and of
  each key ending in ``_at`` into an aware ``datetime.datetime``. Raise ``ValueError`` when
  such a value is not an ISO 8601 string of that kind: not a string, not a date, a datetime
  where a date is expected, or a time with no UTC offset (ambiguous: whose 09:30?).
- ``encode_json(content)``: return the JSON text ``json.dumps`` would write, except that every
  ``datetime.date`` and ``datetime.datetime`` (at any depth) is written as its ``isoformat()``
  string (``"2026-11-25T09:30:00.250000+00:00"``: a T, microseconds kept, the offset as Python
  writes it). Every other value JSON cannot represent (``Decimal``, ``UUID``, ``timedelta``,
  ``time``, a set) still raises ``TypeError``, as ``json.dumps`` does.

Check your work:  make check EX=ex09   (or check("ex09") at the end of the notebook)
Stuck?            make hint EX=ex09
"""

import datetime
import json

from channels.generic.websocket import JsonWebsocketConsumer


class BookingConsumer(JsonWebsocketConsumer):
    """Books a room: answers {"room", "starts_at", "minutes"} with the booking's end and day."""

    def receive_json(self, content, **kwargs):
        starts = content["starts_at"]
        ends = starts + datetime.timedelta(minutes=content["minutes"])
        self.send_json({"room": content["room"], "starts_at": starts, "ends_at": ends, "booked_on": starts.date()})

    @classmethod
    def decode_json(cls, text_data):
        """Parse JSON text; values of keys ending in _on become dates, in _at aware datetimes."""
        raise NotImplementedError("ex09 is not solved yet: write decode_json() in exercises/ex09_json_dates.py")

    @classmethod
    def encode_json(cls, content):
        """JSON text as json.dumps writes it, with dates and datetimes in ISO 8601."""
        raise NotImplementedError("ex09 is not solved yet: write encode_json() in exercises/ex09_json_dates.py")
