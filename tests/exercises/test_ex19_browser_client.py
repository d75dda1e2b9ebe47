"""ex19: exchange_script() -> JavaScript defining exchange(url, messages), run in headless Chromium."""

import pytest
import pytest_asyncio

from channels_lab import lesson, run_daphne
from channels_lab.browser import chromium
from channels_lab.testing import require_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")
LIMIT_MS = 4000

# Runs the learner's script in the page: its result, or the error it rejected with, as data.
RUN = """async ([source, url, messages, limit]) => {
    const exchange = new Function(source + "\\n;return exchange;")();
    const late = new Promise((_, reject) => setTimeout(
        () => reject(new Error(`exchange() did not settle within ${limit} ms: did your "open" listener ever run?`)), limit));
    try {
        return {result: await Promise.race([exchange(url, messages), late])};
    } catch (error) {
        return {error: String(error), isError: error instanceof Error};
    }
}"""


@pytest.fixture(scope="module")
def script(submission):
    return submission("ex19_browser_client.py").exchange_script()


@pytest.fixture(scope="module")
def server(script):
    """Notebook 10's lesson server, built from its %%lesson cells: /ws/lab/ echoes, /ws/refuse/ refuses.

    It needs the script first, so an unsolved stub fails without building the notebook's lessons."""
    with lesson.from_notebook("10"):
        try:
            with run_daphne("lesson:application") as server:
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


async def run(page, script, url, messages):
    assert isinstance(script, str), f"expected exchange_script() to return a str, got {type(script).__name__}"
    got = await page.evaluate(RUN, [script, url, messages, LIMIT_MS])
    if "result" in got:
        assert type(got["result"]) is dict, f"expected exchange() to resolve with an object {{replies, code}}, got {got['result']!r}"
    return got


async def test_sends_after_open_and_returns_the_echoes_in_order(page, server, script):
    """exchange() sends every message once the socket is open and resolves with the echoes, in order"""
    messages = ["one", "two", "three", "你好"]
    got = await run(page, script, server.ws_url("/ws/lab/"), messages)
    assert "result" in got, f"expected exchange() to resolve, it rejected with {got.get('error')!r}"
    assert got["result"].get("replies") == messages, f"expected replies {messages!r}, got {got['result'].get('replies')!r}"


async def test_closes_itself_and_reports_the_close_code(page, server, script):
    """exchange() closes the socket itself and resolves with the close code the browser saw (1000)"""
    got = await run(page, script, server.ws_url("/ws/lab/"), ["ping"])
    assert "result" in got, f"expected exchange() to resolve, it rejected with {got.get('error')!r}"
    assert got["result"].get("code") == 1000, f"expected code 1000, got {got['result'].get('code')!r}"


async def test_with_no_messages_it_opens_and_closes(page, server, script):
    """exchange(url, []) opens the socket, closes it and resolves with no replies"""
    got = await run(page, script, server.ws_url("/ws/lab/"), [])
    assert "result" in got, f"expected exchange() to resolve, it rejected with {got.get('error')!r}"
    want = {"replies": [], "code": 1000}
    assert got["result"] == want, f"expected {want!r}, got {got['result']!r}"


async def test_rejects_with_an_error_when_the_handshake_is_refused(page, server, script):
    """exchange() rejects with an Error when the server refuses the connection"""
    got = await run(page, script, server.ws_url("/ws/refuse/"), ["anyone?"])
    assert "result" not in got, f"expected exchange() to reject, it resolved with {got['result']!r}"
    assert "did not settle" not in got["error"], f"expected a rejection with an Error, got {got['error']!r}"
    assert got["isError"], f"expected the rejection to be an Error object, got {got['error']!r}"
