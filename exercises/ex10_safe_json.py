"""ex10 — A command protocol that checks every message (notebooks/05_json_consumer.ipynb).

``CommandConsumer`` runs small commands for its client. A command is a JSON object
``{"id": 7, "cmd": "add", "args": {"a": 2, "b": 3}}``; ``COMMANDS`` below says, for each
command, the arguments it takes and their types, and ``run()`` computes its result.
Write ``receive(self, text_data=None, bytes_data=None, **kwargs)`` so that every frame gets
exactly one answer and nothing a client sends can crash the consumer:

- a valid command is answered ``{"id": <its id>, "ok": true, "result": <run(cmd, args)>}``;
- anything else is answered ``{"id": <its id, or null>, "ok": false, "error": <code>}`` and
  the connection stays open. The code is the *first* of these that applies:

  ``"bad-json"``          the text is not JSON (or is nested too deeply for the parser);
  ``"not-an-object"``     it is JSON, but not an object (``[1, 2]``, ``"hi"``, ``null``);
  ``"bad-id"``            ``id`` is missing or not an integer;
  ``"unknown-command"``   ``cmd`` is missing or not a key of ``COMMANDS``;
  ``"unexpected-field"``  the message has keys other than id, cmd and args; or ``args`` is
                          not an object; or it has a key the command does not take;
  ``"missing-field"``     an argument of the command is not in ``args`` (a missing ``args``
                          counts as ``{}``);
  ``"wrong-type"``        an argument is not of its type, exactly: ``true`` is not an int
                          (in Python ``bool`` is a subclass of ``int``), ``2.0`` is not an int;
  ``"out-of-range"``      ``repeat``'s ``times`` is below 0 or above ``MAX_TIMES`` (a client must
                          not make the server build a string of any size it likes).

  The reply's ``"id"`` is the message's id when it has a valid one, else ``null``;
- a binary frame closes the connection with code ``UNSUPPORTED_DATA`` (4003).

Check your work:  make check EX=ex10   (or check("ex10") at the end of the notebook)
Stuck?            make hint EX=ex10
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
        raise NotImplementedError("ex10 is not solved yet: write receive() in exercises/ex10_safe_json.py")
