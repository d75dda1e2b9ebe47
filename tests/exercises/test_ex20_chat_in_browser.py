"""ex20: say_in_room(browser, base_url, room, text) drives two chat pages in headless Chromium."""

import asyncio

import pytest
import pytest_asyncio

from channels_lab import run_daphne
from channels_lab.browser import chromium
from channels_lab.testing import require_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")
LIMIT = 8  # seconds one call may take


@pytest.fixture(scope="module")
def say_in_room(submission):
    return submission("ex20_chat_in_browser.py").say_in_room


@pytest.fixture(scope="module")
def server():
    """The demo project, accepting every WebSocket half a second late."""
    with run_daphne("lessons.nb10_slow_open:application", env={"DEMO_DATABASE": ":memory:"}) as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser():
    require_chromium()
    async with chromium() as browser:
        yield browser


ROOM, TEXT = "kitchen", "is the kettle on?"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def lines(say_in_room, browser, server):
    """What one call of say_in_room() returned (every test looks at the same call)."""
    try:
        async with asyncio.timeout(LIMIT):
            return await say_in_room(browser, server.url, ROOM, TEXT)
    except TimeoutError:
        pytest.fail(f"say_in_room() did not return within {LIMIT} s: does it wait for a message "
                    "the other page never got (sent before the socket was OPEN)?", pytrace=False)


async def test_second_page_shows_the_message(lines):
    """The second page shows the first page's message as 'anonymous: <text>'"""
    want = f"anonymous: {TEXT}"
    assert isinstance(lines, list) and want in lines, f"expected {want!r} among the lines, got {lines!r}"


async def test_returns_the_second_pages_log_in_order(lines):
    """The lines returned are the second page's log: 'connected' first, the message last"""
    want = ["connected", f"anonymous: {TEXT}"]
    got = [lines[0], lines[-1]] if isinstance(lines, list) and lines else lines
    assert got == want, f"expected first and last lines {want!r}, got {lines!r}"


async def test_closes_the_pages_it_opened(lines, browser):
    """Every page say_in_room() opened is closed when it returns"""
    left_open = [page.url for context in browser.contexts for page in context.pages]
    assert left_open == [], f"expected no open pages, got {left_open!r}"
