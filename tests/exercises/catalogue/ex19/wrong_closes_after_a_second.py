"""ex19 wrong answer: closes the socket a second after sending ("a second is plenty for an echo"), never counting the replies.

expect: the socket was closed before every echo came back
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
      setTimeout(() => ws.close(), 1000);
    });
    ws.addEventListener("message", (event) => replies.push(event.data));
    ws.addEventListener("close", (event) => {
      if (opened) resolve({replies, code: event.code});
      else reject(new Error(`could not connect to ${url} (close code ${event.code})`));
    });
  });
}
"""


def exchange_script() -> str:
    return EXCHANGE
