# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10 · What does the browser see?
#
# Every notebook so far spoke to Channels from Python. A real user is a browser page, and the
# browser has its own WebSocket API with its own rules: a handful of properties and events,
# errors that say almost nothing, close codes a script may and may not use. This notebook puts
# that API on screen: first as a live page inside JupyterLab, then driven by a headless
# Chromium through [Playwright](https://playwright.dev/python/), so every claim is proved by a
# cell that nbval can replay.

# %% [markdown]
# ## The lesson's server, on this page
#
# Everything the browser talks to in this notebook is defined in the next cells: a consumer
# that echoes, one that refuses, the page (its HTML and its script) and the small ASGI app that
# serves it. They are `%%lesson` cells: each runs here *and* becomes part of the module
# `lesson`, which daphne serves. Edit one, re-run it, and the next connection gets the new
# code, while connections already open keep the old (the section "A lesson cell edited while
# daphne runs" shows both, with a consumer's cell).

# %%
from channels_lab import check, run_daphne, setup_django

setup_django(DEMO_DATABASE=":memory:")

# %%
# %%lesson
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import OriginValidator
from django.urls import path

# %% [markdown]
# The first lesson cell holds the imports the others use (every part of the module imports
# what it needs; the module is re-run as a whole each time a part changes).

# %%
# %%lesson
SERVER_CLOSE_CODE = 4001
SERVER_CLOSE_REASON = "you asked me to close"


class LabConsumer(AsyncWebsocketConsumer):
    """Echoes every frame as it came; the text ``close`` makes it close the connection."""

    async def receive(self, text_data=None, bytes_data=None):
        if text_data == "close":
            await self.close(code=SERVER_CLOSE_CODE, reason=SERVER_CLOSE_REASON)
        elif text_data is not None:
            await self.send(text_data=text_data)
        else:
            await self.send(bytes_data=bytes_data)

    async def disconnect(self, code):
        print(f"LabConsumer.disconnect(code={code})", flush=True)  # lands in daphne's output

# %% [markdown]
# `LabConsumer` answers text with text and bytes with bytes. On the text `close` it closes
# with 4001 and a reason; `disconnect()` prints the code it got, into daphne's output, which a
# later cell reads.

# %%
# %%lesson
class RefuseConsumer(AsyncWebsocketConsumer):
    """Turns every handshake down: closing before ``accept()`` makes daphne answer HTTP 403."""

    async def connect(self):
        await self.close()

# %% [markdown]
# `RefuseConsumer` never accepts, so every browser that dials it gets a failed handshake.
#
# Now the page's script. It finds its elements through the `<div>` that holds it and keeps
# its names inside a function, so the same snippet works as a page of its own and inside this
# notebook's output, even when the cell runs again. It also stores its socket in
# `window.labSocket`, for the cells below to inspect. `socketUrl()` decides where to dial: the
# server listens on `127.0.0.1` of the *kernel's* machine, so a browser elsewhere (Binder,
# JupyterHub) must go through the Jupyter server, which forwards
# `<base URL>proxy/<port>/<path>` to `localhost:<port>` on the kernel's machine (the
# `jupyter-server-proxy` extension, installed with the course).

# %%
# %%lesson
SCRIPT = r"""(() => {
const root = document.currentScript.parentElement;
const $ = (role) => root.querySelector(`[data-role=${role}]`);
const STATES = ["CONNECTING", "OPEN", "CLOSING", "CLOSED"];
const BIG = 512 * 1024;  // under daphne's default limit of 1 MiB per message
let ws;

function socketUrl() {
  const url = new URL(root.dataset.url, location.href);  // a relative URL means: beside this page
  const jupyter = document.getElementById("jupyter-config-data");  // set on JupyterLab's pages
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(location.hostname);
  if (jupyter && !local && url.hostname === "127.0.0.1") {  // a remote JupyterLab: through its server
    const base = JSON.parse(jupyter.textContent).baseUrl;
    return new URL(`${base}proxy/${url.port}${url.pathname}`, location.href).href.replace(/^http/, "ws");
  }
  return url.href.replace(/^http/, "ws");
}

function log(text) {
  const line = document.createElement("li");
  line.textContent = text;
  $("log").append(line);
  $("state").textContent = ws ? `${ws.readyState} (${STATES[ws.readyState]})` : "none";
  $("buffered").textContent = ws ? ws.bufferedAmount : 0;
}

function connect() {
  ws = window.labSocket = new WebSocket(socketUrl());  // starts the handshake, returns at once
  $("url").textContent = ws.url;
  ws.binaryType = "arraybuffer";                 // binary messages arrive as ArrayBuffer, not Blob
  log(`new WebSocket(): readyState ${ws.readyState} (${STATES[ws.readyState]})`);
  ws.onopen = () => log(`open: readyState ${ws.readyState} (${STATES[ws.readyState]})`);
  ws.addEventListener("open", () => log(`addEventListener("open") ran too`));
  ws.addEventListener("onopen", () => log(`addEventListener("onopen") ran`));  // never runs
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
"""

# %% [markdown]
# The script logs every event with the socket's `readyState`, and wires six buttons: connect
# again, send text, send 3 bytes, send 512 KiB, ask the server to close, close with 4000.
# Note the listener for `"onopen"`: a mistake on purpose, explained below. The HTML around it:

# %%
# %%lesson
BUTTONS = {
    "connect": "Connect again",
    "send-text": "Send text",
    "send-binary": "Send 3 bytes",
    "send-big": "Send 512 KiB",
    "ask-close": "Ask the server to close",
    "close": "Close (4000)",
}


def lab_page(ws_url):
    """The page as an HTML snippet whose socket dials ``ws_url`` (relative: beside the page)."""
    buttons = "\n".join(f'<button data-role="{role}">{label}</button>' for role, label in BUTTONS.items())
    return f"""<div data-url="{ws_url}" style="font-family: sans-serif">
<p>WebSocket to <code data-role="url">{ws_url}</code> · readyState <b data-role="state">none</b>
 · bufferedAmount <span data-role="buffered">0</span></p>
{buttons}
<ol data-role="log"></ol>
<script>{SCRIPT}</script>
</div>"""

# %% [markdown]
# `lab_page(url)` puts the socket's URL in a `data-url` attribute, where the script reads it.
# An ASGI app serves the page over HTTP (with the relative URL `ws/lab/`, so the page works
# wherever it is served from, through a proxy too), and a router puts it beside the two
# consumers:

# %%
# %%lesson
async def http_app(scope, receive, send):
    """``GET /``: the page, its socket dialling ``ws/lab/`` beside it; anything else: 404."""
    while (await receive()).get("more_body"):
        pass
    if scope["path"] != "/":
        await send({"type": "http.response.start", "status": 404})
        await send({"type": "http.response.body", "body": b"not found"})
        return
    body = f"<!doctype html>\n<title>WebSocket lab</title>\n{lab_page('ws/lab/')}\n".encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html; charset=utf-8")]})
    await send({"type": "http.response.body", "body": body})


application = ProtocolTypeRouter({
    "http": http_app,
    "websocket": OriginValidator(URLRouter([
        path("ws/lab/", LabConsumer.as_asgi()),
        path("ws/refuse/", RefuseConsumer.as_asgi()),
    ]), ["*"]),
})

# %% [markdown]
# `http_app` answers `GET /` with the page; WebSockets go to the two consumers. The origin
# check lets every origin through (`["*"]`, `channels/security/websocket.py:52,74`): the page
# in this notebook's output comes from JupyterLab's origin, whatever host that is on your
# machine or on a hosted Jupyter (notebook 09 is about choosing origins).
# daphne serves the module; the server must outlive this cell, so an `AsyncExitStack` holds
# it, and the last cell before the exercises closes the stack.

# %%
import contextlib

lab = contextlib.AsyncExitStack()
server = lab.enter_context(run_daphne("lesson:application"))
lab_url = server.ws_url("/ws/lab/")
print("page:  ", server.url + "/")
print("socket:", lab_url)

# %% [markdown]
# daphne listens on a free port of `127.0.0.1` and keeps running until we close `lab`.

# %% [markdown]
# ## The page, live in JupyterLab
#
# The next cell renders the lesson page right here. Click the buttons and watch the log and
# the `bufferedAmount` counter. To change the page, edit the `SCRIPT` cell, re-run it and
# this one (or reload the page daphne serves): daphne picks up the new module at the next
# request.

# %%
from IPython.display import HTML

HTML(lab_page(lab_url))

# %% [markdown]
# In a running JupyterLab the page connects at once (the first log lines say `CONNECTING`, then
# `OPEN`), directly when your browser runs on the kernel's machine, through the Jupyter
# server otherwise (the line above the buttons shows which URL it dialled). The output must
# be fresh: JupyterLab does not run the scripts in the saved outputs of a notebook you did not
# run yourself, so on the saved copy the buttons do nothing until you re-run the cells. nbval cannot click either, which is why the rest of
# the notebook drives a real browser from Python.

# %% [markdown]
# ## The same page in headless Chromium
#
# Playwright drives a browser from Python. Its browsers cannot be downloaded here, so we point
# it at Debian's Chromium (`/usr/bin/chromium`) with flags for a headless, offline run
# (`channels_lab.browser.LAUNCH_ARGS`). Jupyter already runs an event loop, so we use the
# async API: `async_playwright().start()` rather than a `with` block that would span cells.

# %%
from playwright.async_api import async_playwright

from channels_lab.browser import LAUNCH_ARGS

playwright = await async_playwright().start()
browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
lab.push_async_callback(playwright.stop)
lab.push_async_callback(browser.close)
print("flags:", " ".join(LAUNCH_ARGS))
print("browser connected:", browser.is_connected())

# %% [markdown]
# One Chromium process is running headless; closing `lab` will close it and stop Playwright
# (`channels_lab.browser.chromium()` wraps the same two calls in one `async with`, for tests).

# %% [markdown]
# Now the page: `page.goto()` loads it from daphne, and `wait_for()` waits until the log shows
# the `open` event. The log is an `<ol>`; we read its lines back as text.

# %%
page = await browser.new_page()
console = []
page.on("console", lambda message: console.append(message.text))
await page.goto(server.url + "/")
await page.get_by_text("open: readyState").wait_for()


async def log_lines():
    return await page.locator("[data-role=log] li").all_inner_texts()


print("\n".join(await log_lines()))

# %% [markdown]
# Three things happened, in order:
#
# - the constructor returned at once with `readyState` 0 (`CONNECTING`): the handshake runs in
#   the background, and `new WebSocket()` never waits for it;
# - the `open` event came with `readyState` 1 (`OPEN`), through the `onopen` property and
#   through `addEventListener("open", ...)`, both;
# - the listener the page added with `addEventListener("onopen", ...)` never ran.

# %% [markdown]
# ## Why `addEventListener("onopen", ...)` never fires
#
# The origin article registers a callback with `ws.addEventListener("onopen", ...)`. The event
# is called `open`; `onopen` is the name of the *property* that holds a handler for it. And
# `addEventListener` accepts any string, so the mistake raises no error: the listener waits
# for an event named `onopen`, which no WebSocket ever dispatches. `page.evaluate()` runs a
# script in the page and returns its result; here it counts what each way of listening got.

# %%
counts = await page.evaluate(
    """async (url) => {
        const ws = new WebSocket(url);
        const ran = {onopen_property: 0, listener_open: 0, listener_onopen: 0};
        ws.onopen = () => ran.onopen_property++;
        ws.addEventListener("open", () => ran.listener_open++);
        ws.addEventListener("onopen", () => ran.listener_onopen++);
        await new Promise((resolve) => ws.addEventListener("open", resolve));
        ws.close();
        await new Promise((resolve) => ws.addEventListener("close", resolve));
        const afterwards = {...ran};
        ws.dispatchEvent(new Event("onopen"));   // only a hand-made event of that name reaches it
        return {afterwards, after_dispatching_onopen: ran.listener_onopen};
    }""",
    lab_url,
)
print(counts)

# %% [markdown]
# The socket opened and closed, and the `"onopen"` listener's count stayed 0. It ran only when
# we dispatched a made-up event with that name ourselves. Use `addEventListener("open", ...)`
# (and `"message"`, `"error"`, `"close"`), or assign `ws.onopen = ...`: one handler per
# property, as many listeners as you like.

# %% [markdown]
# ## Text and binary messages
#
# The page's buttons send text and bytes; Playwright clicks them and waits for the echoes.

# %%
await page.click("[data-role=send-text]")
await page.get_by_text('message (text): "hello from the browser"').wait_for()
await page.click("[data-role=send-binary]")
await page.get_by_text("message (binary): 3 bytes").wait_for()
print("\n".join((await log_lines())[-4:]))

# %% [markdown]
# `send("...")` made a text frame and `send(new Uint8Array([1, 2, 3]))` a binary one; the
# consumer's `receive()` got them as `text_data` and `bytes_data` and echoed each the same way.
# A text message arrives as a JavaScript string; a binary one arrives as whatever
# `binaryType` says, and the page set it to `"arraybuffer"`. The default is a `Blob`:

# %%
kinds = await page.evaluate(
    """async (url) => {
        const kinds = {};
        for (const binaryType of ["blob", "arraybuffer"]) {
            const ws = new WebSocket(url);
            ws.binaryType = binaryType;
            await new Promise((resolve) => ws.addEventListener("open", resolve));
            ws.send(new Uint8Array([1, 2, 3]));
            const event = await new Promise((resolve) => ws.addEventListener("message", resolve));
            kinds[binaryType] = event.data.constructor.name;
            ws.close();
        }
        return kinds;
    }""",
    lab_url,
)
print(kinds)

# %% [markdown]
# With the default `binaryType`, `event.data` is a `Blob`, which must be read asynchronously
# (`await event.data.arrayBuffer()`); with `"arraybuffer"` the bytes are there at once.

# %% [markdown]
# ## `bufferedAmount`: what `send()` has not handed to the network yet
#
# `send()` never blocks: it queues the data and returns. `bufferedAmount` counts the bytes
# queued and not yet sent. The "Send 512 KiB" button logs it right after `send()`.

# %%
await page.click("[data-role=send-big]")
await page.get_by_text("message (binary): 524288 bytes").wait_for()
print("\n".join((await log_lines())[-2:]))
print("bufferedAmount once the echo came back:", await page.evaluate("labSocket.bufferedAmount"))

# %% [markdown]
# Right after `send()` the whole 524,288 bytes were still queued; by the time the echo came
# back the queue was empty (the page exposes its socket as `window.labSocket`, which is what
# `page.evaluate()` read). A page that streams data checks `bufferedAmount` before sending
# more, so it does not pile up megabytes in memory on a slow connection.
#
# The origin article sends a 10 MB `ArrayBuffer` in its example. daphne refuses messages over
# 1 MiB by default (`--websocket-max-message-size`, notebook 12), and it does so by dropping
# the connection, so the browser sees the abnormal close code 1006:

# %%
too_big = await page.evaluate(
    """async (url) => {
        const ws = new WebSocket(url);
        let errors = 0;
        ws.addEventListener("error", () => errors++);
        await new Promise((resolve) => ws.addEventListener("open", resolve));
        ws.send(new ArrayBuffer(2 * 1024 * 1024));
        const event = await new Promise((resolve) => ws.addEventListener("close", resolve));
        return {error_events: errors, code: event.code, wasClean: event.wasClean};
    }""",
    lab_url,
)
print("sent 2 MiB:", too_big)

# %% [markdown]
# No `error` event came at all, let alone one naming the size: the page only learns from
# `close` that the connection died (1006).
# Keep messages small, or raise the limit on the server on purpose.

# %% [markdown]
# ## Calls the browser refuses
#
# Two mistakes throw at once: `send()` while the socket is still `CONNECTING`, and `close()`
# with a code a script may not use. Only 1000 and 3000–4999 are allowed: RFC 6455 (section
# 7.4.2) keeps 1000–2999 for the protocol and its extensions, 3000–3999 for libraries and
# frameworks (registered with IANA), 4000–4999 for private use, such as this notebook's 4001.

# %%
refused = await page.evaluate(
    """async (url) => {
        const errors = [];
        const ws = new WebSocket(url);
        try { ws.send("too early"); } catch (error) { errors.push(`${error.name}: ${error.message}`); }
        try { ws.close(1001); } catch (error) { errors.push(`${error.name}: ${error.message}`); }
        await new Promise((resolve) => ws.addEventListener("open", resolve));
        ws.close();
        return errors;
    }""",
    lab_url,
)
print("\n".join(refused))

# %% [markdown]
# Send from the `open` handler (or after it ran), never right after the constructor.

# %% [markdown]
# ## Mixed content: an `https:` page must dial `wss:`
#
# A third refusal depends on the page rather than the call: a page served over `https:` may
# not open a `ws:` socket, because its traffic would travel unencrypted beside an encrypted
# page (mixed content). Seeing it needs no TLS server: Playwright's `page.route()` answers
# Chromium's request for `https://chat.example:8443/` itself, here with the lesson page
# fetched from daphne, so Chromium runs the page as one that came over `https:`.

# %%
secure_origin = "https://chat.example:8443"


async def from_daphne(route):
    """Answers Chromium's request for the https: page with what daphne serves at /."""
    await route.fulfill(response=await route.fetch(url=server.url + "/"))


https_page = await browser.new_page()
https_console = []
https_page.on("console", lambda message: https_console.append(message.text))
await https_page.route(secure_origin + "/", from_daphne)
await https_page.goto(secure_origin + "/")
print(await https_page.evaluate("`page ${location.href}, secure context: ${isSecureContext}`"))
insecure = ["ws://chat.example:8443/ws/lab/", lab_url, f"ws://localhost:{server.port}/ws/lab/"]
for url in insecure:
    tried = await https_page.evaluate(
        """async (url) => {
            let ws;
            try { ws = new WebSocket(url); } catch (error) { return `${error.name}: ${error.message}`; }
            const event = await new Promise((resolve) => { ws.onopen = resolve; ws.onclose = resolve; });
            ws.close();
            return `constructed, then ${event.type}` + (event.code ? ` (code ${event.code})` : "");
        }""",
        url,
    )
    print(f"new WebSocket({url!r}): {tried}")

# %% [markdown]
# The first constructor threw; the two loopback sockets were constructed, then closed with
# 1006 without ever opening. What the page's developer console said about the three
# (Playwright collects the console; the page's own `wss:` socket left a line too, about
# `chat.example` not resolving, which we leave out):

# %%
import asyncio

for _ in range(100):  # console messages reach Playwright a moment after the page logged them
    said = [text for text in https_console if "'ws://" in text]
    if len(said) == len(insecure):
        break
    await asyncio.sleep(0.02)
print(*said, sep="\n")

# %% [markdown]
# The `ws:` URL to the page's own host threw a `SecurityError` in the constructor, before
# any network traffic, and the console says why: "This request has been blocked; this
# endpoint must be available over WSS". Loopback URLs pass that check: the mixed-content
# rules count `127.0.0.1` and `localhost` as trustworthy, so both constructors returned. Yet
# neither socket opened: a second rule, Chromium's local network access checks, stopped them
# (`net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS`), and the page got only a close with 1006.
# Local network access is a *permission*: a page that Chromium does not count as local
# (`chat.example`) may reach this machine's loopback address once the user allows it, and
# desktop Chrome asks with a prompt
# ([Chrome's announcement](https://developer.chrome.com/blog/local-network-access)). Headless
# Chromium under Playwright shows no prompt, so nobody granted it. A browser context that grants
# it lets the same page through:

# %%
allowed = await browser.new_context(permissions=["local-network-access"])
allowed_page = await allowed.new_page()
await allowed_page.route(secure_origin + "/", from_daphne)
await allowed_page.goto(secure_origin + "/")
granted = await allowed_page.evaluate(
    """async (url) => {
        const ws = new WebSocket(url);
        const event = await new Promise((resolve) => { ws.onopen = resolve; ws.onclose = resolve; });
        ws.close();
        return `constructed, then ${event.type}`;
    }""",
    lab_url,
)
print(f"local-network-access granted, new WebSocket({lab_url!r}): {granted}")
await allowed.close()

# %% [markdown]
# With the permission the loopback socket opened, from the same `https:` page. A page and a
# server both on `127.0.0.1` over `http:`, as in every other cell here, need neither the
# permission nor `wss:`. What works from an `https:` page without asking the user is a URL
# whose scheme follows the page's own:

# %%
print("the lesson page dialled:", await https_page.evaluate("labSocket.url"))
relative = await https_page.evaluate("""() => { const ws = new WebSocket("/ws/lab/"); ws.close(); return ws.url; }""")
print('new WebSocket("/ws/lab/") dialled:', relative)
await https_page.close()

# %% [markdown]
# The lesson page's `socketUrl()` resolves `ws/lab/` against `location.href` and turns
# `http` into `ws` at the start of the scheme, so on an `https:` page it dialled `wss:`. A
# relative URL handed straight to the constructor works the same way in this Chromium:
# resolved against the page, `https:` became `wss:`. Either way, never write `ws://` into a
# page. Here the `wss:` sockets go nowhere (`chat.example` exists only in Playwright's route,
# and daphne speaks no TLS); behind a TLS proxy such as notebook 12's nginx they open.

# %% [markdown]
# ## `close`: code, reason and `wasClean`
#
# The page's "Ask the server to close" button sends `close`; the consumer answers with
# `await self.close(code=4001, reason="you asked me to close")`.

# %%
await page.click("[data-role=ask-close]")
await page.get_by_text("close: code").wait_for()
print("\n".join((await log_lines())[-2:]))
print("consumer's reason:", repr(SERVER_CLOSE_REASON))

# %% [markdown]
# The code 4001 arrived; the reason did not. Channels' `close(reason=...)` puts the reason in
# the ASGI message, but daphne 4.2 sends only the code
# ([daphne issue #374](https://github.com/django/daphne/issues/374)), so put anything the page
# must know in a message before closing, and let the code say *why* in a number. Note
# `wasClean false` as well: we come back to it below.
#
# When the page closes, the close event reports the code the *server* answered with:

# %%
await page.click("[data-role=connect]")
await page.get_by_text("open: readyState").nth(1).wait_for()
await page.click("[data-role=close]")
await page.get_by_text("close: code").nth(1).wait_for()
print("\n".join((await log_lines())[-2:]))
for _ in range(100):  # the consumer may print a moment after the browser's close event
    said = [line for line in server.output.splitlines() if "disconnect(code=4000)" in line]
    if said:
        break
    await asyncio.sleep(0.02)
print("the consumer got:", said[0].split()[-1])

# %% [markdown]
# The page sent 4000 with the reason `done here`; daphne (through its WebSocket library,
# Autobahn) answered the closing handshake with 1000, and that is what `event.code` shows. The
# consumer's `disconnect(code)` received the page's 4000 (it prints it, and daphne's output is
# in `server.output`).
#
# A script may not send 1001 itself (the refusals above), yet the browser does: RFC 6455
# section 7.4.1 names 1001 "going away", "such as ... a browser having navigated away from a
# page", and Chromium sends it when a page with an open socket is left or closed:

# %%
for leave in ["navigates away", "is closed"]:
    leaving = await browser.new_page()
    await leaving.goto(server.url + "/")
    await leaving.get_by_text("open: readyState").wait_for()
    before = server.output.count("disconnect(code=")
    if leave == "navigates away":
        await leaving.goto("about:blank")
    await leaving.close()
    for _ in range(100):  # daphne's output arrives a moment later
        if server.output.count("disconnect(code=") > before:
            break
        await asyncio.sleep(0.02)
    said = [line for line in server.output.splitlines() if "disconnect(code=" in line]
    print(f"the page {leave}; the consumer got:", said[-1].split()[-1])

# %% [markdown]
# Both times `disconnect()` received 1001, with no script involved: the page's socket was
# closed by the browser with a closing handshake. From a browser, 1001 means the user
# left or closed the page (a server going down or a proxy may send it too).
#
# A connection that ends with no close frame at all is another matter. Chromium keeps its
# sockets in a process of their own, the network service; the Chrome DevTools Protocol
# (`SystemInfo.getProcessInfo`) gives its pid. Killing that process leaves nobody to send a
# close frame: the operating system just closes the TCP connection.

# %%
import os
import signal

cut = await browser.new_page()
await cut.goto(server.url + "/")
await cut.get_by_text("open: readyState").wait_for()
cdp = await browser.new_browser_cdp_session()


async def network_service():
    processes = (await cdp.send("SystemInfo.getProcessInfo"))["processInfo"]
    return next(process["id"] for process in processes if process["type"] == "network.mojom.NetworkService")


killed = await network_service()
before = server.output.count("disconnect(code=")
os.kill(killed, signal.SIGKILL)
await cut.get_by_text("close: code").wait_for()
for _ in range(100):  # daphne's output arrives a moment later
    if server.output.count("disconnect(code=") > before:
        break
    await asyncio.sleep(0.02)
said = [line for line in server.output.splitlines() if "disconnect(code=" in line]
print("the page saw:", (await cut.locator("[data-role=log] li").all_inner_texts())[-1])
print("the consumer got:", said[-1].split()[-1])
print("Chromium started a new network service:", await network_service() != killed)
await cdp.detach()
await cut.close()

# %% [markdown]
# The consumer's `disconnect()` received 1006, the code Autobahn reports when the peer
# "dropped the TCP connection without previous WebSocket closing handshake"
# (`autobahn/websocket/protocol.py:1283-1288`), and the page saw 1006 with `wasClean false`.
# RFC 6455 (section 7.4.1) reserves 1006 for this case: no endpoint may put it in a close
# frame; each side reports it to its application when the connection ended without one.
# Chromium started a new network service by itself, and the cells below work as before.

# %% [markdown]
# ## Why `wasClean` depends on who closed first
#
# The 4001 and 4000 closes above both completed the closing handshake (each side sent a close
# frame), yet `wasClean` was `false` when the server started the close and `true` when the page
# did. The same two cases once more, on fresh sockets:

# %%
closes = await page.evaluate(
    """async (url) => {
        const result = {};
        for (const who of ["server", "page"]) {
            const ws = new WebSocket(url);
            await new Promise((resolve) => ws.addEventListener("open", resolve));
            if (who === "server") ws.send("close"); else ws.close(4000);
            const event = await new Promise((resolve) => ws.addEventListener("close", resolve));
            result[`${who} closed first`] = {code: event.code, wasClean: event.wasClean};
        }
        return result;
    }""",
    lab_url,
)
for who, seen in closes.items():
    print(f"{who}: {seen}")

# %% [markdown]
# Same result: it depends on who spoke first, every time. The reason is in daphne's WebSocket
# library, Autobahn: what it does with the TCP connection once the closing handshake is done.

# %%
import inspect

from autobahn.twisted.websocket import WebSocketAdapterProtocol
from autobahn.websocket.protocol import WebSocketProtocol

lines, first = inspect.getsourcelines(WebSocketProtocol.onCloseFrame)
for number, line in enumerate(lines, first):
    if "STATE_CLOSING:" in line or "STATE_OPEN:" in line or "dropConnection" in line:
        print(f"autobahn/websocket/protocol.py:{number}  {line.strip()}")
print(inspect.getsource(WebSocketAdapterProtocol._closeConnection))

# %% [markdown]
# When the server is `CLOSING` (it sent its close frame first) and the page's reply arrives,
# Autobahn drops the TCP connection with `abort=True`, which Twisted carries out as
# `abortConnection()`: the socket is closed with a TCP reset (RST) instead of the normal
# FIN. When the page closed first (the server is still `OPEN`), Autobahn answers and drops the
# connection with `abort=False`, an orderly `loseConnection()`. Chromium counts a connection
# that ends in a reset as not clean, whatever came before it. A raw socket shows the two
# endings on the wire: it sends one frame, answers the server's close frame if it gets one,
# and reads until the connection ends.

# %%
import socket

UPGRADE = ("GET /ws/lab/ HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n")
MASK = b"\x00\x00\x00\x00"  # a client must mask its frames; an all-zero key leaves the bytes as they are
TEXT_CLOSE = b"\x81\x85" + MASK + b"close"  # a text frame: "close" (asks LabConsumer to close)
CLOSE_1000 = b"\x88\x82" + MASK + (1000).to_bytes(2, "big")  # a close frame, code 1000


def how_tcp_ends(first_frame):
    host = f"{server.host}:{server.port}"
    with socket.create_connection((server.host, server.port), timeout=2) as sock:
        sock.sendall(UPGRADE.format(host=host, origin=server.origin).encode())
        while not sock.recv(4096).endswith(b"\r\n\r\n"):
            pass
        sock.sendall(first_frame)
        frame = sock.recv(4096)
        code = int.from_bytes(frame[2:4], "big")
        if first_frame is TEXT_CLOSE:
            sock.sendall(b"\x88\x82" + MASK + frame[2:4])  # answer the server's close frame
        try:
            while sock.recv(4096):
                pass
            return f"close frame {code}, then FIN (an orderly end)"
        except ConnectionResetError:
            return f"close frame {code}, then RST (connection reset by peer)"


print("server closed first:", how_tcp_ends(TEXT_CLOSE))
print("client closed first:", how_tcp_ends(CLOSE_1000))

# %% [markdown]
# The handshake completes either way; only the TCP ending differs. To see that Chromium's
# `wasClean` follows the TCP ending, here is a hand-made server (no daphne, no Autobahn) that
# closes first as Autobahn does (it sends its close frame, 4001, and reads the page's reply),
# then ends the connection once with FIN and once with RST:

# %%
import struct
from base64 import b64encode
from hashlib import sha1

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3


def closes_first_then(ending):
    """A WebSocket server that closes first with 4001, reads the reply, then ends TCP with FIN or RST."""
    async def handle(reader, writer):
        request = await reader.readuntil(b"\r\n\r\n")
        key = next(line.split(b":", 1)[1].strip() for line in request.split(b"\r\n")
                   if line.lower().startswith(b"sec-websocket-key:"))
        writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Accept: " + b64encode(sha1(key + WS_GUID).digest()) + b"\r\n\r\n"
                     + b"\x88\x02" + (4001).to_bytes(2, "big"))  # the 101, then a close frame: 4001
        await reader.read(64)  # the page's close frame
        if ending == "RST":  # SO_LINGER on, timeout 0: closing the socket sends a reset
            writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.close()
    return handle


for ending in ["FIN", "RST"]:
    raw = await asyncio.start_server(closes_first_then(ending), "127.0.0.1", 0)
    raw_url = f"ws://127.0.0.1:{raw.sockets[0].getsockname()[1]}/"
    seen = await page.evaluate("""async (url) => {
        const ws = new WebSocket(url);
        const event = await new Promise((resolve) => ws.addEventListener("close", resolve));
        return {code: event.code, wasClean: event.wasClean};
    }""", raw_url)
    raw.close()
    await raw.wait_closed()
    print(f"server closed first with 4001, then {ending}:", seen)

# %% [markdown]
# Same close frames, same order; only the last TCP segment differs, and `wasClean` is `true`
# after FIN, `false` after RST. So after a close *started by the server* (`self.close()` in a
# consumer), Chromium connected straight to daphne sees `wasClean: false`. Behind a proxy the
# browser's TCP connection is the proxy's, and `wasClean` tells how the proxy ended it. Either
# way a page should decide from `event.code` (4001 here), never from `wasClean`.

# %% [markdown]
# ## `error`: something failed, and that is all it says
#
# `/ws/refuse/` turns every handshake down (HTTP 403), and a port where nothing listens
# refuses the TCP connection. In both cases the page gets an `error` event, then `close`.

# %%
from channels_lab.servers import free_port

failures = await page.evaluate(
    """async (urls) => {
        const results = [];
        for (const url of urls) {
            const ws = new WebSocket(url);
            const seen = [];
            ws.addEventListener("error", (event) => seen.push(`error: ${event.constructor.name} with keys [${Object.keys(event)}]`));
            const event = await new Promise((resolve) => ws.addEventListener("close", resolve));
            seen.push(`close: code ${event.code}, wasClean ${event.wasClean}`);
            results.push(seen);
        }
        return results;
    }""",
    [server.ws_url("/ws/refuse/"), f"ws://127.0.0.1:{free_port()}/ws/lab/"],
)
for label, seen in zip(["refused handshake", "nobody listening"], failures):
    print(f"{label}: {seen}")
print("console:", *[line for line in console if "response code: 403" in line], sep="\n  ")

# %% [markdown]
# The `error` event is a bare `Event` with no details, and the close code is 1006 either way:
# browsers hide why a connection failed so that a page cannot probe the network. Only the
# developer console (which Playwright collected above) mentions the 403. A page should treat
# `error` as "it failed" and decide what to do in `close`.

# %% [markdown]
# ## The demo's chat page reconnects by itself
#
# The demo's chat page (`/`, `chat/templates/chat/index.html`) reconnects after every `close`,
# waiting 0.5 s, then 1 s, 2 s, up to 5 s. We open it, stop its daphne, and start a new daphne
# on the same port (`run_daphne(port=...)`).

# %%
from channels_lab.browser import log_lines as texts

demo_env = {"DEMO_DATABASE": ":memory:"}
chat = await browser.new_page()
with run_daphne(env=demo_env) as demo:
    demo_port = demo.port
    await chat.goto(demo.url + "/?room=kitchen")
    await chat.locator("#state").filter(has_text="OPEN").wait_for()
    print("before the restart:", await texts(chat, "#log p"))
await chat.get_by_text("retrying").nth(1).wait_for()  # the drop, then one failed retry
print("server stopped:", (await texts(chat, "#log p"))[1])

# %% [markdown]
# The page saw the connection drop with 1006 (the server process ended without a closing
# handshake) and started retrying; we waited until one retry had failed too. Now a new server
# on the same port:

# %%
with run_daphne(env=demo_env, port=demo_port) as demo:
    await chat.locator("#state").filter(has_text="OPEN").wait_for(timeout=20_000)
    await chat.fill("#message", "back again")
    await chat.press("#message", "Enter")
    await chat.get_by_text("anonymous: back again").wait_for()
    lines = await texts(chat, "#log p")
print("same port:", demo.port == demo_port)
print("last lines:", lines[-2:])
print("retried while the server was down:", lines.count("disconnected (code 1006); retrying") >= 2)
await chat.close()

# %% [markdown]
# The page found the new server by itself and the room works again. How many attempts failed
# depends on how fast daphne restarts, so we print only that there were at least two. The in-memory
# channel layer started empty, and the page joined its room again on reconnecting.
# `tests/test_browser.py` checks the same, and that two pages in one room hear each other.

# %% [markdown]
# ## A lesson cell edited while daphne runs
#
# The cell that defines `LabConsumer` once more, with one line changed (`SERVER_CLOSE_CODE =
# 4002`), run as re-running the edited cell would run it. One socket opened before the edit
# and one after both ask the server to close; then the cell as the notebook wrote it runs
# again, and a third socket, opened after that, asks too.

# %%
from channels_lab.lesson import current as current_lessons

written = next(source for names, source in current_lessons().modules["lesson"].parts if "LabConsumer" in names)
edited = written.replace("SERVER_CLOSE_CODE = 4001", "SERVER_CLOSE_CODE = 4002")
await page.evaluate("""async (url) => {
    window.older = new WebSocket(url);
    await new Promise((resolve) => older.addEventListener("open", resolve));
}""", lab_url)
get_ipython().run_cell_magic("lesson", "", edited)  # what re-running the edited cell does
codes = await page.evaluate("""async (url) => {
    const newer = new WebSocket(url);
    await new Promise((resolve) => newer.addEventListener("open", resolve));
    const codes = {};
    for (const [name, ws] of [["opened before the edit", older], ["opened after it", newer]]) {
        ws.send("close");
        codes[name] = (await new Promise((resolve) => ws.addEventListener("close", resolve))).code;
    }
    return codes;
}""", lab_url)
get_ipython().run_cell_magic("lesson", "", written)  # the cell as written, again
codes["opened after the restore"] = await page.evaluate("""async (url) => {
    const ws = new WebSocket(url);
    await new Promise((resolve) => ws.addEventListener("open", resolve));
    ws.send("close");
    return (await new Promise((resolve) => ws.addEventListener("close", resolve))).code;
}""", lab_url)
print(codes)
print("SERVER_CLOSE_CODE back to", SERVER_CLOSE_CODE)

# %% [markdown]
# The socket opened after the edit closed with 4002: daphne imported the changed module for
# that connection (`channels_lab/live.py` checks the file at every new connection). The one
# opened before kept the consumer it started with and closed with 4001. Re-running the
# original cell put 4001 back, here (the printed `SERVER_CLOSE_CODE`) and in daphne: the
# socket opened after the restore closed with 4001.

# %% [markdown]
# ## Stop everything
#
# Closing `lab` closes Chromium, stops Playwright and stops the lesson server. The page in the
# live output above now shows `close: code 1006`.

# %%
await lab.aclose()
print("browser connected:", browser.is_connected())
print("lesson server stopped:", server.process.poll() is not None)

# %% [markdown]
# ## Exercises
#
# **ex19 · A browser client that waits for `open`.** In `exercises/ex19_browser_client.py`,
# make `exchange_script()` return JavaScript that defines `async function exchange(url,
# messages)`: it opens a WebSocket, sends every message once the socket is open, collects as
# many replies as it sent messages, closes the socket and, once the close event came, resolves
# with `{replies: [...], code: <the close event's code>}`. If the server closes first (the
# lesson server does on the text `close`), it resolves then, with the replies so far and that
# close event's code; if the connection fails before it opens, it rejects with an `Error`. The
# tests run it in Chromium against this notebook's lesson server, once behind a slow network
# (the handshake and every echo come late), where a script that waits a fixed pause instead of
# for the events fails.

# %%
check("ex19")

# %% [markdown]
# **ex20 · Two pages, one room, driven by Playwright.** In `exercises/ex20_chat_in_browser.py`,
# write `async def say_in_room(browser, base_url, room, text)`: open the demo's chat page
# twice in `room`, wait until both are connected, send `text` from the first page through its
# form, wait until the second page shows it, close your pages and return the second page's log
# lines. The tests' server accepts WebSockets late, as a real network might, and not equally
# late: it tries both orders, once with the second page's socket opening seconds after the
# first's, once the other way round. It delivers chat messages late too, later to the page
# that did not send them than to the sender, and greets each socket with a line of its own.

# %%
check("ex20")
