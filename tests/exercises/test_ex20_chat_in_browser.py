"""ex20: say_in_room(browser, base_url, room, text) drives two chat pages in headless Chromium."""

import asyncio
import os
import tempfile
from pathlib import Path

import pytest
import pytest_asyncio

from channels_lab import run_daphne
from channels_lab.browser import chromium
from channels_lab.servers import django_env
from channels_lab.testing import require_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")
LIMIT = 12  # seconds one call may take (the second handshake alone takes SECOND_DELAY)
FIRST_DELAY, SECOND_DELAY = 0.2, 2.5  # seconds before the first WebSocket is accepted, and every later one

# The demo project behind a slow network, made deterministic: the first WebSocket to arrive is
# accepted FIRST_DELAY late, every later one SECOND_DELAY late. A message sent as soon as the
# first page is OPEN reaches the server while the second page's handshake is still waiting,
# before its consumer joined the room's group, so the second page never shows it: every run.
SLOW_OPEN = f"""
import asyncio
import itertools

from demo_project.asgi import application as demo_application

_arrivals = itertools.count()


async def application(scope, receive, send):
    if scope["type"] == "websocket":
        await asyncio.sleep({FIRST_DELAY} if next(_arrivals) == 0 else {SECOND_DELAY})
    await demo_application(scope, receive, send)
"""


@pytest.fixture(scope="module")
def say_in_room(submission):
    return submission("ex20_chat_in_browser.py").say_in_room


@pytest.fixture(scope="module")
def server():
    """The demo project, accepting the first WebSocket 0.2 s late and the second 2.5 s late."""
    with tempfile.TemporaryDirectory(prefix="channels-lab-ex20-") as folder:
        Path(folder, "ex20_slow_open.py").write_text(SLOW_OPEN)
        path = os.pathsep.join([folder, django_env()["PYTHONPATH"]])
        with run_daphne("ex20_slow_open:application", env={"DEMO_DATABASE": ":memory:", "PYTHONPATH": path}) as server:
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
        pytest.fail(f"say_in_room() did not return within {LIMIT} s: does it wait for a message the "
                    "second page never got (sent before that page's socket was OPEN)?", pytrace=False)


def is_list_of_str(lines):
    return type(lines) is list and all(type(line) is str for line in lines)


async def test_second_page_shows_the_message(lines):
    """The second page shows the first page's message as 'anonymous: <text>'"""
    want = f"anonymous: {TEXT}"
    assert is_list_of_str(lines), f"expected a list of str (the second page's log lines), got {lines!r}"
    assert want in lines, f"expected {want!r} among the lines, got {lines!r}"


async def test_returns_the_second_pages_log_in_order(lines):
    """The lines returned are the second page's log: 'connected' first, the message last"""
    want = ["connected", f"anonymous: {TEXT}"]
    got = [lines[0], lines[-1]] if is_list_of_str(lines) and lines else lines
    assert got == want, f"expected first and last lines {want!r}, got {lines!r}"


async def test_closes_the_pages_it_opened(lines, browser):
    """Every page say_in_room() opened is closed when it returns"""
    left_open = [page.url for context in browser.contexts for page in context.pages]
    assert left_open == [], f"expected no open pages, got {left_open!r}"
