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

EXCHANGE = """
async function exchange(url, messages) {
  const ws = new WebSocket(url);
  const replies = [];
  let opened = false;
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => {        // the event is "open", not "onopen"
      opened = true;
      for (const message of messages) ws.send(message);
      if (messages.length === 0) ws.close();
    });
    ws.addEventListener("message", (event) => {
      replies.push(event.data);
      if (replies.length === messages.length) ws.close();
    });
    ws.addEventListener("close", (event) => {
      if (opened) resolve({replies, code: event.code});
      else reject(new Error(`could not connect to ${url} (close code ${event.code})`));
    });
  });
}
"""


def exchange_script() -> str:
    """Return JavaScript source that defines ``async function exchange(url, messages)``."""
    return EXCHANGE
