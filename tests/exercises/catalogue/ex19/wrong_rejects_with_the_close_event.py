"""ex19 wrong answer: rejects with the close event itself, not an Error.

expect: Error object
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
      else reject(event);
    });
  });
}
"""


def exchange_script() -> str:
    """Return JavaScript source that defines ``async function exchange(url, messages)``."""
    return EXCHANGE
