"""ex09 wrong answer: treats every key that contains _on or _at as a date key.

expect: only a key that ends in _on or _at
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
        return _dates_in(json.loads(text_data))

    @classmethod
    def encode_json(cls, content):
        """JSON text as json.dumps writes it, with dates and datetimes in ISO 8601."""
        return json.dumps(content, default=_iso)


def _iso(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _dates_in(value):
    if isinstance(value, list):
        return [_dates_in(item) for item in value]
    if isinstance(value, dict):
        return {key: _parsed(key, _dates_in(item)) for key, item in value.items()}
    return value


def _parsed(key, value):
    if not ("_on" in key or "_at" in key):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{key} must be an ISO 8601 string, not {value!r}")
    if key.endswith("_on"):
        if "T" in value or " " in value:
            raise ValueError(f"{key} must be a date such as 2026-11-25, not {value!r}")
        return datetime.date.fromisoformat(value)
    moment = datetime.datetime.fromisoformat(value)
    if moment.utcoffset() is None:
        raise ValueError(f"{key} must say its UTC offset (such as +00:00), not {value!r}")
    return moment
