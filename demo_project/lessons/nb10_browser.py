"""Notebook 10's lesson app: a page that shows the browser's WebSocket API at work, and its server.

    daphne lessons.nb10_browser:application

- ``GET /``: the page, connecting to this server's ``/ws/lab/``;
- ``/ws/lab/``: ``LabConsumer`` echoes text and binary frames; the text ``close`` makes it
  close the connection with code 4001 and a reason;
- ``/ws/refuse/``: ``RefuseConsumer`` turns every handshake down (HTTP 403).

``page(ws_url)`` is the same page as an HTML snippet, for a notebook's output cell.
"""

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

SERVER_CLOSE_CODE = 4001
SERVER_CLOSE_REASON = "you asked me to close"
BIG_PAYLOAD = 512 * 1024  # under daphne's default limit of 1 MiB per message


class LabConsumer(AsyncWebsocketConsumer):
    """Echoes every frame as it came (text as text, binary as binary); ``close`` closes with 4001.

    ``disconnect()`` prints the close code it got, so a notebook can read it in daphne's output.
    """

    async def receive(self, text_data=None, bytes_data=None):
        if text_data == "close":
            await self.close(code=SERVER_CLOSE_CODE, reason=SERVER_CLOSE_REASON)
        elif text_data is not None:
            await self.send(text_data=text_data)
        else:
            await self.send(bytes_data=bytes_data)

    async def disconnect(self, code):
        # daphne collects its stdout: the notebook reads this line from server.output.
        print(f"LabConsumer.disconnect(code={code})", flush=True)


class RefuseConsumer(AsyncWebsocketConsumer):
    """Refuses every handshake: closing before ``accept()`` makes daphne answer HTTP 403."""

    async def connect(self):
        await self.close()


# The page's script. It finds its own elements through the element that holds it, and keeps
# its names inside a function, so the same snippet works as a whole page and inside a
# notebook's output, even when the cell runs again. The socket is also window.labSocket,
# for notebooks and tests to inspect.
SCRIPT = """(() => {
const root = document.currentScript.parentElement;
const $ = (role) => root.querySelector(`[data-role=${role}]`);
const STATES = ["CONNECTING", "OPEN", "CLOSING", "CLOSED"];
let ws;

function log(text) {
  const line = document.createElement("li");
  line.textContent = text;
  $("log").append(line);
  $("state").textContent = ws ? `${ws.readyState} (${STATES[ws.readyState]})` : "none";
  $("buffered").textContent = ws ? ws.bufferedAmount : 0;
}

function connect() {
  ws = window.labSocket = new WebSocket(root.dataset.url);  // starts the handshake; never throws for a refusal
  ws.binaryType = "arraybuffer";                 // binary messages arrive as ArrayBuffer, not Blob
  log(`new WebSocket(): readyState ${ws.readyState} (${STATES[ws.readyState]})`);
  ws.onopen = () => log(`open: readyState ${ws.readyState} (${STATES[ws.readyState]})`);
  ws.addEventListener("open", () => log("addEventListener(\\"open\\") ran too"));
  ws.addEventListener("onopen", () => log("addEventListener(\\"onopen\\") ran"));  // never runs
  ws.onmessage = (event) => {
    if (typeof event.data === "string") {
      log(`message (text): ${JSON.stringify(event.data)}`);
    } else {
      const bytes = new Uint8Array(event.data);
      log(`message (binary): ${bytes.length} bytes, starting [${bytes.slice(0, 3)}]`);
    }
  };
  ws.onerror = () => log("error (the event says nothing more, on purpose)");
  ws.onclose = (event) =>
    log(`close: code ${event.code}, reason ${JSON.stringify(event.reason)}, wasClean ${event.wasClean}`);
}

$("connect").onclick = connect;
$("send-text").onclick = () => { ws.send("hello from the browser"); log("sent text"); };
$("send-binary").onclick = () => { ws.send(new Uint8Array([1, 2, 3])); log("sent 3 bytes"); };
$("send-big").onclick = () => {
  ws.send(new ArrayBuffer(BIG));
  log(`sent ${BIG} bytes: bufferedAmount right after send() is ${ws.bufferedAmount}`);
};
$("ask-close").onclick = () => { ws.send("close"); log("asked the server to close"); };
$("close").onclick = () => { ws.close(4000, "done here"); log("called ws.close(4000)"); };
connect();
})();
""".replace("BIG", str(BIG_PAYLOAD))

BUTTONS = [
    ("connect", "Connect again"),
    ("send-text", "Send text"),
    ("send-binary", "Send 3 bytes"),
    ("send-big", "Send 512 KiB"),
    ("ask-close", "Ask the server to close"),
    ("close", "Close (4000)"),
]


def page(ws_url: str) -> str:
    """The lesson page as an HTML snippet whose socket connects to ``ws_url``."""
    buttons = "\n".join(f'  <button data-role="{role}">{label}</button>' for role, label in BUTTONS)
    return (
        f'<div class="ws-lab" data-url="{ws_url}" style="font-family: sans-serif">\n'
        f"  <p>WebSocket to <code>{ws_url}</code> · readyState <b data-role=\"state\">none</b>"
        f' · bufferedAmount <span data-role="buffered">0</span></p>\n'
        f"{buttons}\n"
        f'  <ol data-role="log"></ol>\n'
        f"  <script>{SCRIPT}</script>\n"
        f"</div>"
    )


async def http_app(scope, receive, send):
    """Serve the page at ``/`` (its socket goes to this same host), 404 elsewhere."""
    while (await receive()).get("more_body"):
        pass
    if scope["path"] != "/":
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"not found"})
        return
    host = dict(scope["headers"]).get(b"host", b"127.0.0.1").decode()
    body = f"<!doctype html>\n<title>WebSocket lab</title>\n{page(f'ws://{host}/ws/lab/')}\n".encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": AllowedHostsOriginValidator(
            URLRouter(
                [
                    path("ws/lab/", LabConsumer.as_asgi()),
                    path("ws/refuse/", RefuseConsumer.as_asgi()),
                ]
            )
        ),
    }
)
