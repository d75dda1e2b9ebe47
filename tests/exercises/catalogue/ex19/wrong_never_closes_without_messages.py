"""ex19 wrong answer: closes only after the last reply, so with no messages the socket stays open for ever.

expect: did not settle
expect: close the socket once it opened
"""

EXCHANGE = """
async function exchange(url, messages) {
  const ws = new WebSocket(url);
  const replies = [];
  let opened = false;
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => {
      opened = true;
      for (const message of messages) ws.send(message);
    });
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
