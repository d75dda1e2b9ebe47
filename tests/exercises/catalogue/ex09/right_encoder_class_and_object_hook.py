"""ex09 rightful variant: a JSONEncoder subclass and json.loads' object_hook (which sees every dict, innermost first).
"""

import datetime
import json

from channels.generic.websocket import JsonWebsocketConsumer


class IsoEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.date):  # datetime is a date too
            return o.isoformat()
        return super().default(o)


def hook(obj):
    out = {}
    for key, value in obj.items():
        if key[-3:] in ("_on", "_at"):
            if type(value) is not str:
                raise ValueError("expected ISO text under " + key)
            if key.endswith("_on"):
                if len(value) != 10:
                    raise ValueError("expected YYYY-MM-DD under " + key)
                value = datetime.date.fromisoformat(value)
            else:
                value = datetime.datetime.fromisoformat(value)
                if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
                    raise ValueError("no offset under " + key)
        out[key] = value
    return out


class BookingConsumer(JsonWebsocketConsumer):
    def receive_json(self, content, **kwargs):
        start = content["starts_at"]
        self.send_json({"room": content["room"], "starts_at": start,
                        "ends_at": start + datetime.timedelta(minutes=content["minutes"]), "booked_on": start.date()})

    @classmethod
    def decode_json(cls, text_data):
        return json.loads(text_data, object_hook=hook)

    @classmethod
    def encode_json(cls, content):
        return json.dumps(content, cls=IsoEncoder)
