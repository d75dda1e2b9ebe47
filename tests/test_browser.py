"""The demo's chat page in a real browser: headless Debian Chromium driven by Playwright."""

import pytest
import pytest_asyncio

from channels_lab import run_daphne
from channels_lab.browser import chromium, log_lines
from channels_lab.testing import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

DEMO_ENV = {"DEMO_DATABASE": ":memory:"}
RECONNECT_WAIT = 20_000  # ms: the page retries after 0.5, 1, 2, 4, then every 5 s


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser():
    require_chromium()
    async with chromium() as browser:
        yield browser


async def open_room(browser, base_url, room):
    """A new page on the chat page in ``room``, once its socket is open."""
    page = await browser.new_page()
    await page.goto(f"{base_url}/?room={room}")
    await wait_until_open(page)
    return page


async def wait_until_open(page, timeout=10_000):
    await page.locator("#state").filter(has_text="OPEN").wait_for(timeout=timeout)


async def say(page, text):
    await page.fill("#message", text)
    await page.press("#message", "Enter")


async def wait_for_line(page, line):
    await page.locator("#log p").filter(has_text=line).first.wait_for()


async def test_two_pages_in_one_room_see_each_others_messages(browser, demo_server):
    alice = await open_room(browser, demo_server.url, "kitchen")
    bob = await open_room(browser, demo_server.url, "kitchen")
    elsewhere = await open_room(browser, demo_server.url, "garden")
    try:
        await say(alice, "hello bob")
        await wait_for_line(bob, "anonymous: hello bob")
        await say(bob, "hi alice")
        for page in (alice, bob):  # the group reaches each page in its own time, the sender's too
            await wait_for_line(page, "anonymous: hi alice")
        for page in (alice, bob):
            assert await log_lines(page, "#log p") == ["connected", "anonymous: hello bob", "anonymous: hi alice"]
        await say(elsewhere, "anyone in the garden?")
        await wait_for_line(elsewhere, "anonymous: anyone in the garden?")
        assert "anonymous: anyone in the garden?" not in await log_lines(alice, "#log p")
        assert await bob.inner_text("#room-name") == "kitchen"
    finally:
        for page in (alice, bob, elsewhere):
            await page.close()


async def test_page_shows_the_servers_error_for_a_blank_message(browser, demo_server):
    page = await open_room(browser, demo_server.url, "errors")
    try:
        # The form refuses blank input itself; a frame the server rejects comes through the socket.
        await page.evaluate("socket.send(JSON.stringify({message: '   '}))")
        await page.locator("#log p.error").wait_for()
        assert await log_lines(page, "#log p.error") == ['error: send {"message": "some text"}']
    finally:
        await page.close()


async def test_pages_reconnect_by_themselves_after_the_server_restarts(browser):
    with run_daphne(env=DEMO_ENV) as first:
        port = first.port
        alice = await open_room(browser, first.url, "lobby")
        bob = await open_room(browser, first.url, "lobby")
    try:
        for page in (alice, bob):
            await wait_for_line(page, "disconnected (code 1006); retrying")
        with run_daphne(env=DEMO_ENV, port=port) as second:
            assert second.port == port
            for page in (alice, bob):
                await wait_until_open(page, timeout=RECONNECT_WAIT)
            await say(alice, "we are back")
            await wait_for_line(bob, "anonymous: we are back")
            lines = await log_lines(bob, "#log p")
        assert lines[0] == "connected" and lines[-2:] == ["connected", "anonymous: we are back"], lines
    finally:
        for page in (alice, bob):
            await page.close()
