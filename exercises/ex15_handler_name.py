"""ex15 — The naming rule: from an event's type to a method name (notebooks/08_handler_names.ipynb).

Write ``handler_name(message)``: given an event such as ``{"type": "chat.message"}``, return
the name of the consumer method that Channels 4 would run (``"chat_message"``), or raise
``ValueError`` when Channels would refuse the event:

- the message has no ``"type"``;
- the resulting name starts with an underscore (a private method), for ``"_x"`` and ``".x"`` alike.

Check your work:  make check EX=ex15   (or check("ex15") at the end of the notebook)
Stuck?            make hint EX=ex15
"""


def handler_name(message: dict) -> str:
    """Return the method name for ``message["type"]``, or raise ValueError."""
    raise NotImplementedError("ex15 is not solved yet: write handler_name() in exercises/ex15_handler_name.py")
