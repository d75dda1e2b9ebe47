"""ex19 wrong answer: resolves in the close listener whether or not the socket ever opened.

expect: expected exchange() to reject
"""

EXCHANGE = """
async function exchange(url, messages) {
  const ws = new WebSocket(url);
  const replies = [];
  return new Promise((resolve) => {
    ws.addEventListener("open", () => {
      for (const message of messages) ws.send(message);
      if (messages.length === 0) ws.close();
    });
    ws.addEventListener("message", (event) => {
      replies.push(event.data);
      if (replies.length === messages.length) ws.close();
    });
    ws.addEventListener("close", (event) => resolve({replies, code: event.code}));
  });
}
"""


def exchange_script() -> str:
    return EXCHANGE
