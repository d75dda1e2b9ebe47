"""ex19 — A browser client that waits for `open` (notebooks/10_browser.ipynb).

Write the JavaScript of a small browser client and return it from exchange_script() as a
string. It must define

    async function exchange(url, messages)

which opens a WebSocket to ``url``, sends every string in ``messages`` once the socket is
open, collects as many replies as it sent messages (none, if there are none), then closes
the socket and, once its close event came, resolves with
``{replies: [...], code: <the close event's code>}``. If the server closes the socket
first, exchange() resolves then, the same way: with the replies so far and the close
event's code. If the connection fails before it opens, the promise rejects with an ``Error``.

The tests run your script in headless Chromium against notebook 10's lesson server, whose
``/ws/lab/`` echoes every message (the text ``close`` makes it close with 4001 instead)
and whose ``/ws/refuse/`` refuses every handshake. One test puts it behind a slow network:
the handshake and every echo come late, so don't guess how long either takes.

Check your work:  make check EX=ex19   (or check("ex19") at the end of the notebook)
Stuck?            make hint EX=ex19
"""


def exchange_script() -> str:
    """Return JavaScript source that defines ``async function exchange(url, messages)``."""
    raise NotImplementedError("ex19 is not solved yet: return the JavaScript from exchange_script() in exercises/ex19_browser_client.py")
