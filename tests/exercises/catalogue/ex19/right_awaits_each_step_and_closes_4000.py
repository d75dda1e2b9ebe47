"""ex19 rightful variant: awaits open, then each reply, one promise per step (racing the close event, for a server that closes first); closes with 4000 (daphne answers 1000); rejects on the error event.
"""

EXCHANGE = """
function next(ws, type) {
  return new Promise((resolve, reject) => {
    const failed = () => reject(new Error(`the connection to ${ws.url} failed`));
    ws.addEventListener(type, resolve, {once: true});
    if (type === "open") ws.addEventListener("error", failed, {once: true});
  });
}

async function exchange(url, messages) {
  const ws = new WebSocket(url);
  const replies = [];
  ws.onmessage = (event) => replies.push(event.data);
  await next(ws, "open");
  const closed = next(ws, "close");  // the server may close first
  let serverClosed = false;
  closed.then(() => { serverClosed = true; });
  messages.forEach((message) => ws.send(message));
  while (replies.length < messages.length && !serverClosed) await Promise.race([next(ws, "message"), closed]);
  if (!serverClosed) ws.close(4000, "done");
  const event = await closed;
  return {replies: replies.slice(), code: event.code};
}
"""


def exchange_script() -> str:
    return EXCHANGE
