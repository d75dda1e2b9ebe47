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
# ## A server for the page
#
# The lesson app `lessons/nb10_browser.py` serves one page at `/` and one consumer at
# `/ws/lab/`, which echoes what it gets (text as text, binary as binary) and closes the
# connection when it receives the text `close`. The server must outlive this cell, so an
# `AsyncExitStack` holds it; the last cell before the exercises closes the stack.

# %%
import contextlib

from channels_lab import check, run_daphne, setup_django

setup_django(DEMO_DATABASE=":memory:")

from lessons import nb10_browser

lab = contextlib.AsyncExitStack()
server = lab.enter_context(run_daphne("lessons.nb10_browser:application"))
lab_url = server.ws_url("/ws/lab/")
print("page:  ", server.url + "/")
print("socket:", lab_url)

# %% [markdown]
# daphne listens on a free port of `127.0.0.1` and keeps running until we close `lab`.

# %% [markdown]
# ## The page, live in JupyterLab
#
# The next cell renders the lesson page right here. Its script creates
# `new WebSocket(url)`, logs every event (`open`, `message`, `error`, `close`) with the
# socket's `readyState`, and its buttons call `send()` with text, with 3 bytes, with 512 KiB,
# ask the server to close, or call `close(4000)`. Click them and watch the log and the
# `bufferedAmount` counter.

# %%
from IPython.display import HTML

HTML(nb10_browser.page(lab_url))

# %% [markdown]
# In a running JupyterLab the page connects at once (the first log lines say `CONNECTING`, then
# `OPEN`). Two conditions: your browser must run on the same machine as the kernel (the socket
# goes to `127.0.0.1`), and the output must be fresh: JupyterLab does not run the scripts in
# the saved outputs of a notebook you did not run yourself, so on the saved copy the buttons
# do nothing until you re-run the cells. nbval cannot click either, which is why the rest of
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
        await new Promise((resolve) => ws.addEventListener("open", resolve));
        ws.send(new ArrayBuffer(2 * 1024 * 1024));
        const event = await new Promise((resolve) => ws.addEventListener("close", resolve));
        return {code: event.code, wasClean: event.wasClean};
    }""",
    lab_url,
)
print("sent 2 MiB:", too_big)

# %% [markdown]
# No error event names the size: the page only learns that the connection died (1006).
# Keep messages small, or raise the limit on the server on purpose.

# %% [markdown]
# ## Calls the browser refuses
#
# Two mistakes throw at once: `send()` while the socket is still `CONNECTING`, and `close()`
# with a code a script may not use (only 1000 and 3000–4999 are allowed; the 1xxx codes
# belong to the protocol).

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
# ## `close`: code, reason and `wasClean`
#
# The page's "Ask the server to close" button sends `close`; the consumer answers with
# `await self.close(code=4001, reason="you asked me to close")`.

# %%
await page.click("[data-role=ask-close]")
await page.get_by_text("close: code").wait_for()
print("\n".join((await log_lines())[-2:]))
print("consumer's reason:", repr(nb10_browser.SERVER_CLOSE_REASON))

# %% [markdown]
# The code 4001 arrived; the reason did not. Channels' `close(reason=...)` puts the reason in
# the ASGI message, but daphne 4.2 sends only the code
# ([daphne issue #374](https://github.com/django/daphne/issues/374)), so put anything the page
# must know in a message before closing, and let the code say *why* in a number. Chromium also
# reports `wasClean` false for this server-initiated close; rely on the code, not on `wasClean`.
#
# When the page closes, the close event reports the code the *server* answered with:

# %%
import asyncio

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
print("console:", *[line for line in console if "403" in line], sep="\n  ")

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
# many replies as it sent messages, closes the socket and resolves with
# `{replies: [...], code: <the close event's code>}`; if the connection fails before it
# opens, it rejects with an `Error`. The tests run it in Chromium against this notebook's
# lesson server.

# %%
check("ex19")

# %% [markdown]
# **ex20 · Two pages, one room, driven by Playwright.** In `exercises/ex20_chat_in_browser.py`,
# write `async def say_in_room(browser, base_url, room, text)`: open the demo's chat page
# twice in `room`, wait until both are connected, send `text` from the first page through its
# form, wait until the second page shows it, close your pages and return the second page's log
# lines. The tests' server accepts WebSockets slowly, as a real network might.

# %%
check("ex20")
