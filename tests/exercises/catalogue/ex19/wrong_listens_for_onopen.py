"""ex19 wrong answer: addEventListener("onopen", ...), an event no WebSocket dispatches, so nothing is ever sent.

expect: did not settle
expect: "open" listener
"""

EXCHANGE = """
async function exchange(url, messages) {
  const ws = new WebSocket(url);
  const replies = [];
  let opened = false;
  return new Promise((resolve, reject) => {
    ws.addEventListener("onopen", () => {
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
      else reject(new Error(`could not connect to ${url}`));
    });
  });
}
"""


def exchange_script() -> str:
    return EXCHANGE
