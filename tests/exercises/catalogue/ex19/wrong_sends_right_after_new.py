"""ex19 wrong answer: sends right after new WebSocket(), while the socket is still CONNECTING.

expect: InvalidStateError
"""

EXCHANGE = """
async function exchange(url, messages) {
  const ws = new WebSocket(url);
  const replies = [];
  let opened = false;
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => {
      opened = true;
      if (messages.length === 0) ws.close();
    });
    for (const message of messages) ws.send(message);
    ws.addEventListener("message", (event) => {
      replies.push(event.data);
      if (replies.length === messages.length) ws.close();
    });
    ws.addEventListener("close", (event) => {
      if (opened) resolve({replies, code: event.code});
      else reject(new Error(`could not connect to ${url}`));
    });
  });
}
"""


def exchange_script() -> str:
    return EXCHANGE
