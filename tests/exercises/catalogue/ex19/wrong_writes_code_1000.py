"""ex19 wrong answer: resolves from the close event but writes code 1000 instead of reading event.code.

expect: expected code 4001
expect: take the code from the close event
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
      if (opened) resolve({replies, code: 1000});
      else reject(new Error(`could not connect to ${url} (close code ${event.code})`));
    });
  });
}
"""


def exchange_script() -> str:
    """Return JavaScript source that defines ``async function exchange(url, messages)``."""
    return EXCHANGE
