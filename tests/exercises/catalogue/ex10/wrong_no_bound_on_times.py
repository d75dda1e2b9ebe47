"""ex10 wrong answer: never bounds repeat's times, so a client makes the server build any string (or crash).

expect: out-of-range
"""


from channels.generic.websocket import JsonWebsocketConsumer

UNSUPPORTED_DATA = 4003  # daphne lets an application close with 1000 or 3000-4999 only

MAX_TIMES = 1000

COMMANDS = {
    "add": {"a": int, "b": int},
    "echo": {"text": str},
    "repeat": {"text": str, "times": int},
}


def run(cmd, args):
    """The result of a valid command."""
    if cmd == "add":
        return args["a"] + args["b"]
    if cmd == "echo":
        return args["text"]
    return args["text"] * args["times"]


class CommandConsumer(JsonWebsocketConsumer):
    """Answers each command with its result, and each bad message with an error code."""

    def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Check one frame and answer it: a result, or an error code."""
        if text_data is None:
            self.close(code=UNSUPPORTED_DATA)
            return
        try:
            message = self.decode_json(text_data)
        except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
            self.send_json({"id": None, "ok": False, "error": "bad-json"})
            return
        if type(message) is not dict:
            self.send_json({"id": None, "ok": False, "error": "not-an-object"})
            return
        message_id = message.get("id")
        if type(message_id) is not int:
            self.send_json({"id": None, "ok": False, "error": "bad-id"})
            return
        error = problem(message)
        if error:
            self.send_json({"id": message_id, "ok": False, "error": error})
        else:
            args = message.get("args", {})
            self.send_json({"id": message_id, "ok": True, "result": run(message["cmd"], args)})


def problem(message):
    """The error code for a message with a valid id, or None when it is a valid command."""
    schema = COMMANDS.get(message.get("cmd")) if type(message.get("cmd")) is str else None
    if schema is None:
        return "unknown-command"
    args = message.get("args", {})
    if set(message) - {"id", "cmd", "args"} or type(args) is not dict or set(args) - set(schema):
        return "unexpected-field"
    if set(schema) - set(args):
        return "missing-field"
    if any(type(args[name]) is not kind for name, kind in schema.items()):
        return "wrong-type"
    return None
