"""ex21 — Test a consumer with WebsocketCommunicator (notebooks/11_testing.ipynb).

Write ``check_commands(application)``: an async test of a command consumer like the demo's
``CommandConsumer`` (``/ws/commands/``). ``application`` is an ASGI application such as
``CommandConsumer.as_asgi()``. With ``channels.testing.WebsocketCommunicator``, check that:

1. the connection is accepted;
2. ``{"action": "ping"}`` is answered with exactly ``{"action": "pong"}``;
3. ``{"action": "add", "numbers": [2, 3]}`` is answered with ``{"action": "add", "result": 5}``;
4. the text ``{oops`` (not JSON) is answered with a JSON object that has an ``"error"`` key,
   and the connection is still usable afterwards: a second ping still gets its pong;
5. then disconnect.

Return nothing when the consumer behaves; raise (a failing ``assert`` is fine, and so is the
error a communicator raises) when it does not. The tests run your check against the real
consumer and against broken ones.

Check your work:  make check EX=ex21   (or check("ex21") at the end of the notebook)
Stuck?            make hint EX=ex21
"""


async def check_commands(application) -> None:
    """Raise if ``application`` does not behave like the demo's CommandConsumer."""
    raise NotImplementedError("ex21 is not solved yet: write check_commands() in exercises/ex21_check_commands.py")
