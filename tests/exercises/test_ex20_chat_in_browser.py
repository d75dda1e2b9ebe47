"""ex20: say_in_room(browser, base_url, room, text) drives two chat pages in headless Chromium."""

import asyncio
import os
import re
import tempfile
from pathlib import Path

import pytest
import pytest_asyncio

from channels_lab import run_daphne
from channels_lab.browser import chromium
from channels_lab.servers import django_env
from channels_lab.testing import require_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")
# Seconds one call may take. A right call takes about 6 s here (a slow handshake alone may take
# 2 * SLOW, the message LATE + LATER), but several times that on a loaded machine: the limit only has
# to stop a call that waits for what never comes, and stays under Playwright's own 30 s default so
# the tests' message, not Playwright's, says why. course.toml gives ex20 the time for two such calls.
LIMIT = 25
FAST, SLOW = 0.2, 2.5  # seconds before the server accepts a fast and a slow WebSocket
LATE = 0.5  # seconds a chat message spends on the way back to the page that sent it
LATER = 1.5  # seconds more it spends on the way to the other page (so the sender's log shows it first)
GREETER = "tests' server"  # each socket's first line, from the server: "tests' server: you are socket N"

# Each room's order: in kitchen the first page's socket opens first, in attic it opens last.
ORDERS = {
    "kitchen": (FAST, SLOW, f"the second page's socket opened {SLOW} s after the first's"),
    "attic": (SLOW, FAST, f"the first page's socket opened {SLOW} s after the second's"),
}
DELAYS = {f"/ws/rooms/{room}/": (first, later) for room, (first, later, _) in ORDERS.items()}

# The demo project behind a slow network, made deterministic. In each room, the first WebSocket
# to arrive is accepted DELAYS[path][0] s late, every later one DELAYS[path][1] s late; a slow one
# counts its SLOW seconds from the moment a fast one of its room was let through (if one arrives
# within SLOW s), so it opens SLOW s after the other page's socket however loaded the machine is.
# The pages are opened one after the other, so the first page's socket arrives first. A message
# sent while the sending page is CONNECTING is ignored by its form; one sent while the other
# page's handshake is still waiting reaches the server before that page's consumer joined the
# room's group. Either way the second page never shows it: every run.
# Once open, each socket gets one line of its own ("tests' server: you are socket N"), so the two
# pages' logs differ; the server prints which socket sent a chat message; and a chat message reaches
# the page that sent it LATE s after the server sent it, the other page LATE + LATER s after, so
# reading the second page's log before it is there fails, after a fixed pause or the sender's echo.
SLOW_OPEN = f"""
import asyncio
import collections
import contextlib
import itertools
import json

from demo_project.asgi import application as demo_application

DELAYS = {DELAYS!r}
_arrivals = collections.defaultdict(itertools.count)
_fast_one_through = collections.defaultdict(asyncio.Event)
_sender = {{}}  # path: the number of the socket that sent the room's latest chat message


async def application(scope, receive, send):
    if scope["type"] != "websocket":
        return await demo_application(scope, receive, send)
    path = scope["path"]
    first, later = DELAYS.get(path, ({FAST}, {SLOW}))
    number = next(_arrivals[path]) + 1
    delay = first if number == 1 else later
    if delay == {SLOW}:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_fast_one_through[path].wait(), {SLOW})
    await asyncio.sleep(delay)
    if delay == {FAST}:
        _fast_one_through[path].set()

    async def watched_receive():
        message = await receive()
        if message["type"] == "websocket.receive":
            print(f"ex20: socket {{number}} of {{path}} sent a message", flush=True)
            _sender[path] = number
        return message

    async def late_send(message):
        if message["type"] == "websocket.send":
            await asyncio.sleep({LATE} if _sender.get(path) == number else {LATE + LATER})
        await send(message)
        if message["type"] == "websocket.accept":
            line = {{"type": "message", "user": {GREETER!r}, "message": f"you are socket {{number}}"}}
            await send({{"type": "websocket.send", "text": json.dumps(line)}})

    await demo_application(scope, watched_receive, late_send)
"""


@pytest.fixture(scope="module")
def say_in_room(submission):
    return submission("ex20_chat_in_browser.py").say_in_room


@pytest.fixture(scope="module")
def server():
    """The demo project, accepting WebSockets late (in kitchen the second page's much later, in attic the
    first's), greeting each socket with its number and delivering chat messages late, later to the page
    that did not send them."""
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


TEXT = "is the kettle on?"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def lines(say_in_room, browser, server):
    """What say_in_room() returned in each room, one call after the other (every test looks at the same calls)."""
    returned = {}
    for room, (_, _, order) in ORDERS.items():
        try:
            async with asyncio.timeout(LIMIT):
                returned[room] = await say_in_room(browser, server.url, room, TEXT)
        except TimeoutError:
            if room == "kitchen":
                why = ("does it wait for a message the second page never got (sent before that page's socket "
                       "was OPEN, so before it had joined the room)?")
            else:
                why = ("was the message sent from the first page before its socket was OPEN? Its form ignores "
                       "a message while the socket is CONNECTING: wait for both pages, not only the one opened last.")
            pytest.fail(f"say_in_room() did not return within {LIMIT} s in room {room}, where {order}: {why}",
                        pytrace=False)
    return returned


def is_list_of_str(lines):
    return type(lines) is list and all(type(line) is str for line in lines)


async def test_second_page_shows_the_message(lines):
    """The second page shows the first page's message as 'anonymous: <text>', whichever page connects first"""
    want = f"anonymous: {TEXT}"
    for room, got in lines.items():
        assert is_list_of_str(got), f"in room {room}, expected a list of str (the second page's log lines), got {got!r}"
        assert want in got, (f"in room {room}, expected {want!r} among the lines, got {got!r}: did you wait until "
                             f"the second page showed it? Here a message reaches the page that sent it {LATE} s "
                             f"after the server got it, the other page {LATE + LATER} s after: neither a fixed "
                             f"pause nor the first page's log says the second page has it")


def senders(server, room):
    """The numbers of the sockets that sent a chat message in ``room``, as the tests' server printed them."""
    said = re.findall(rf"ex20: socket (\d+) of /ws/rooms/{room}/ sent a message", server.output)
    return {int(number) for number in said}


async def test_returns_the_log_of_the_page_that_did_not_send(lines, server):
    """The lines returned are the second page's, not the sender's (the server greets each socket with its number)"""
    for room, got in lines.items():
        assert is_list_of_str(got), f"in room {room}, expected a list of str (the second page's log lines), got {got!r}"
        greetings = [line for line in got if line.startswith(f"{GREETER}: you are socket ")]
        assert len(greetings) == 1, f"in room {room}, expected the line of one page's log, got {got!r}"
        number = int(greetings[0].rsplit(" ", 1)[1])
        for _ in range(500):  # the server's output reaches the tests a moment after it printed (up to 10 s)
            if senders(server, room):
                break
            await asyncio.sleep(0.02)
        assert number not in senders(server, room), (
            f"in room {room}, these are the lines of the page that sent the message (socket {number}, as its line "
            f"{greetings[0]!r} says): return the second page's log, the one that received it")


async def test_returns_the_second_pages_log_in_order(lines):
    """The lines returned are the second page's log: 'connected' first, the message last"""
    want = ["connected", f"anonymous: {TEXT}"]
    for room, got in lines.items():
        ends = [got[0], got[-1]] if is_list_of_str(got) and got else got
        assert ends == want, f"in room {room}, expected first and last lines {want!r}, got {got!r}"


async def test_closes_the_pages_it_opened(lines, browser):
    """Every page say_in_room() opened is closed when it returns"""
    left_open = [page.url for context in browser.contexts for page in context.pages]
    assert left_open == [], f"expected no open pages, got {left_open!r}"
