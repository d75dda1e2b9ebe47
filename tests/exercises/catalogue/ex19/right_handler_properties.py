"""ex19 rightful variant: handler properties (onopen, onmessage, ...), closes with 1000 and a reason, and tells a refusal by an error before any open.
"""

def exchange_script() -> str:
    return r"""
async function exchange(url, messages) {
  const ws = new WebSocket(url);
  return await new Promise((resolve, reject) => {
    const replies = [];
    let failed = false;
    ws.onerror = () => { failed = true; };
    ws.onopen = () => {
      if (!messages.length) { ws.close(1000, "nothing to say"); return; }
      messages.forEach((text) => ws.send(text));
    };
    ws.onmessage = ({data}) => {
      replies.push(data);
      if (replies.length >= messages.length) ws.close(1000, "done");
    };
    ws.onclose = ({code}) => {
      if (failed && ws.readyState === WebSocket.CLOSED && replies.length === 0 && code === 1006) {
        reject(new Error("the connection failed before it opened"));
      } else {
        resolve({replies, code});
      }
    };
  });
}
"""
