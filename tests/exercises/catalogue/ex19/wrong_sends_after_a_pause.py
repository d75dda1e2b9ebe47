"""ex19 wrong answer: sends the messages from a setTimeout of 300 ms ("it is surely open by then"), not on open.

expect: the messages were sent before the socket opened
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
    setTimeout(() => {
      for (const message of messages) ws.send(message);
    }, 300);
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
    return EXCHANGE
