"""ex19: exchange_script() -> JavaScript defining exchange(url, messages), run in headless Chromium."""

import pytest
import pytest_asyncio

from channels_lab import lesson, run_daphne
from channels_lab.browser import chromium
from channels_lab.testing import require_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")
LIMIT_MS = 3000
OPEN, CLOSING = 1, 2  # WebSocket.OPEN, WebSocket.CLOSING
HANDSHAKE, ECHO_GAP = 2.0, 0.7  # seconds late on /ws/slow/: the server accepts, then sends each reply
SLOW_LIMIT_MS = 12000  # a right exchange() takes about 5 s there

# The lesson server behind a slow network: on /ws/slow/ it is /ws/lab/, but accepts every handshake
# HANDSHAKE s late and holds each reply ECHO_GAP s (the test's third echo comes about 2.1 s after the
# messages went). A script that sends after a fixed pause of up to 2 s sends while the socket is
# CONNECTING; one that closes after a fixed pause of up to about 2 s closes before every echo came back.
SLOW_LAB = f"""
import asyncio

from lesson import application as lab


async def application(scope, receive, send):
    if scope["type"] != "websocket" or scope["path"] != "/ws/slow/":
        return await lab(scope, receive, send)
    await asyncio.sleep({HANDSHAKE})

    async def late_send(message):
        if message["type"] == "websocket.send":
            await asyncio.sleep({ECHO_GAP})
        await send(message)

    return await lab({{**scope, "path": "/ws/lab/"}}, receive, late_send)
"""

# Runs the learner's script in the page: its result, or the error it rejected with, as data, and the
# readyState of every socket it made at the moment it settled (its `WebSocket` is a subclass that
# counts them), and what it sent while a socket was still CONNECTING (send() then throws).
# `late` ends the message of a call that did not settle in time: what to look at.
RUN = """async ([source, url, messages, limit, late]) => {
    const sockets = [], early = [];
    class WatchedWebSocket extends WebSocket {
        constructor(...args) { super(...args); sockets.push(this); }
        send(data) {
            if (this.readyState === WebSocket.CONNECTING) early.push(String(data));
            return super.send(data);
        }
    }
    const exchange = new Function("WebSocket", source + "\\n;return exchange;")(WatchedWebSocket);
    const timeout = new Promise((_, reject) => setTimeout(
        () => reject(new Error(`exchange() did not settle within ${limit} ms: ${late}`)), limit));
    const seen = (outcome) => ({...outcome, early, states: sockets.map((ws) => ws.readyState)});
    try {
        return seen({result: await Promise.race([exchange(url, messages), timeout])});
    } catch (error) {
        return seen({error: String(error), isError: error instanceof Error});
    }
}"""


@pytest.fixture(scope="module")
def script(submission):
    return submission("ex19_browser_client.py").exchange_script()


@pytest.fixture(scope="module")
def server(script):
    """Notebook 10's lesson server, built from its %%lesson cells: /ws/lab/ echoes (and closes with 4001
    on the text "close"), /ws/refuse/ refuses; /ws/slow/ is /ws/lab/ behind a slow network.

    It needs the script first, so an unsolved stub fails without building the notebook's lessons."""
    with lesson.from_notebook("10") as lessons:
        lessons.add(SLOW_LAB, module="slow_lab")
        try:
            with run_daphne("slow_lab:application") as server:
                yield server
        finally:
            lesson.use(None)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def page(server):
    require_chromium()
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(server.url + "/")  # a page from the server's own origin
        yield page


async def run(page, script, url, messages, late, limit=LIMIT_MS):
    assert isinstance(script, str), f"expected exchange_script() to return a str, got {type(script).__name__}"
    got = await page.evaluate(RUN, [script, url, messages, limit, late])
    if "result" in got:
        assert type(got["result"]) is dict, f"expected exchange() to resolve with an object {{replies, code}}, got {got['result']!r}"
    return got


def resolved(got):
    if "result" not in got and "did not settle" in got["error"]:
        pytest.fail(f"expected exchange() to resolve, but it {got['error'].split('exchange() ', 1)[1]}", pytrace=False)
    assert "result" in got, f"expected exchange() to resolve, it rejected with {got.get('error')!r}"
    return got["result"]


def assert_closed_when_resolved(got):
    """The close event had come when exchange() resolved: its socket is CLOSED, not OPEN or CLOSING."""
    states = got["states"]
    assert OPEN not in states, ("exchange() resolved while its socket was still OPEN: close the socket "
                                "when the work is done, and resolve from its close event")
    assert CLOSING not in states, ("exchange() resolved while its socket was CLOSING: close() only starts the "
                                   "closing handshake; resolve from the close event, with the code it carries")


async def test_sends_after_open_and_returns_the_echoes_in_order(page, server, script):
    """exchange() sends every message once the socket is open and resolves with the echoes, in order"""
    messages = ["one", "two", "three", "你好"]
    got = await run(page, script, server.ws_url("/ws/lab/"), messages,
                    'did your "open" listener ever run and send the messages?')
    replies = resolved(got).get("replies")
    assert replies == messages, f"expected replies {messages!r}, got {replies!r}"


async def test_waits_for_open_and_every_echo_on_a_slow_network(page, server, script):
    """On a slow network (the handshake takes 2 s, each echo 0.7 s) exchange() still sends once open and waits for every echo"""
    messages = ["one", "two", "three"]
    got = await run(page, script, server.ws_url("/ws/slow/"), messages,
                    f"the handshake took {HANDSHAKE:g} s here and each echo {ECHO_GAP:g} s: did you send "
                    'from the "open" listener, and close once every reply came?', SLOW_LIMIT_MS)
    assert got["early"] == [], (f"the messages were sent before the socket opened: {got['early']!r} went while it "
                                f"was CONNECTING (here for {HANDSHAKE:g} s): send from the \"open\" listener, "
                                "not after a pause")
    replies = resolved(got).get("replies")
    if type(replies) is list and len(replies) < len(messages) and replies == messages[:len(replies)]:
        pytest.fail(f"the socket was closed before every echo came back (replies {replies!r} of {messages!r}; here "
                    f"each echo came {ECHO_GAP:g} s late): count the replies and close after the last one, "
                    "not after a pause", pytrace=False)
    assert replies == messages, f"expected replies {messages!r}, got {replies!r}"


async def test_closes_itself_and_reports_the_close_code(page, server, script):
    """exchange() closes the socket itself and resolves from the close event, with its code (1000)"""
    got = await run(page, script, server.ws_url("/ws/lab/"), ["ping"],
                    "after the echo came, did you close the socket, and does your close listener resolve?")
    result = resolved(got)
    assert_closed_when_resolved(got)
    assert result.get("code") == 1000, f"expected code 1000, got {result.get('code')!r}"


async def test_with_no_messages_it_opens_and_closes(page, server, script):
    """exchange(url, []) opens the socket, closes it and resolves with no replies"""
    got = await run(page, script, server.ws_url("/ws/lab/"), [],
                    "with no messages there is no reply to wait for: did you close the socket once it opened?")
    result = resolved(got)
    assert_closed_when_resolved(got)
    want = {"replies": [], "code": 1000}
    seen = {key: result.get(key) for key in want}
    assert seen == want, f"expected {want!r}, got {result!r}"


async def test_resolves_when_the_server_closes_first(page, server, script):
    """When the server closes first, exchange() resolves then, with the replies so far and the server's code (4001)"""
    got = await run(page, script, server.ws_url("/ws/lab/"), ["one", "close"],
                    'the lesson server answered "close" by closing the socket itself (code 4001), so no second '
                    "reply came: does your close listener resolve also when the server closed first?")
    result = resolved(got)
    assert_closed_when_resolved(got)
    assert result.get("replies") == ["one"], f"expected replies ['one'] (the server closed on \"close\"), got {result.get('replies')!r}"
    code = result.get("code")
    assert code == 4001, (f"expected code 4001, the code of the server's close frame, got {code!r}: "
                          "take the code from the close event (event.code), never write it yourself")


async def test_rejects_with_an_error_when_the_handshake_is_refused(page, server, script):
    """exchange() rejects with an Error when the server refuses the connection"""
    got = await run(page, script, server.ws_url("/ws/refuse/"), ["anyone?"],
                    'the server refused the handshake, so the socket never opened and your "open" listener never '
                    "ran: does your close (or error) listener reject then?")
    assert "result" not in got, f"expected exchange() to reject, it resolved with {got['result']!r}"
    if "did not settle" in got["error"]:
        pytest.fail(f"expected exchange() to reject with an Error, but it {got['error'].split('exchange() ', 1)[1]}",
                    pytrace=False)
    assert got["isError"], f"expected the rejection to be an Error object, got {got['error']!r}"
