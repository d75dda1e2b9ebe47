"""ex10 rightful variant: a table of checks run in order, an exception per error code, keys answered in another order.
"""

import json

from channels.generic.websocket import JsonWebsocketConsumer

UNSUPPORTED_DATA = 4003
COMMANDS = {"add": {"a": int, "b": int}, "echo": {"text": str}, "repeat": {"text": str, "times": int}}


def run(cmd, args):
    return {"add": lambda: args["a"] + args["b"], "echo": lambda: args["text"],
            "repeat": lambda: args["text"] * args["times"]}[cmd]()


class Refused(Exception):
    def __init__(self, code, message_id=None):
        self.code, self.message_id = code, message_id


def checked(text):
    try:
        message = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise Refused("bad-json")
    if not isinstance(message, dict):
        raise Refused("not-an-object")
    mid = message.get("id")
    if isinstance(mid, bool) or not isinstance(mid, int):
        raise Refused("bad-id")
    cmd = message.get("cmd")
    if not isinstance(cmd, str) or cmd not in COMMANDS:
        raise Refused("unknown-command", mid)
    args, schema = message.get("args", {}), COMMANDS[cmd]
    if not set(message) <= {"id", "cmd", "args"} or not isinstance(args, dict) or not set(args) <= set(schema):
        raise Refused("unexpected-field", mid)
    if not set(schema) <= set(args):
        raise Refused("missing-field", mid)
    for name, kind in schema.items():
        if type(args[name]) is not kind:
            raise Refused("wrong-type", mid)
    if cmd == "repeat" and not 0 <= args["times"] <= 1000:
        raise Refused("out-of-range", mid)
    return mid, cmd, args


class CommandConsumer(JsonWebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None, **kwargs):
        if bytes_data is not None:
            return self.close(code=UNSUPPORTED_DATA, reason="text frames only")
        try:
            mid, cmd, args = checked(text_data)
        except Refused as refused:
            return self.send(text_data=json.dumps({"error": refused.code, "ok": False, "id": refused.message_id}))
        self.send(text_data=json.dumps({"result": run(cmd, args), "ok": True, "id": mid}))
