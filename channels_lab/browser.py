"""Headless Chromium for the notebooks and the tests, driven by Playwright's async API.

    from channels_lab.browser import chromium

    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(server.url + "/")

Playwright cannot download its own browsers here, so it drives Debian's Chromium at
``/usr/bin/chromium`` with flags that keep it headless, quiet and offline (no sandbox,
which needs privileges a container lacks; no GPU; no QUIC, sync, updates or first-run UI).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


async def launch(playwright, **options):
    """Launch Debian's Chromium through a started Playwright (``await async_playwright().start()``)."""
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, **options)


@contextlib.asynccontextmanager
async def chromium(**options):
    """A headless Chromium for the ``async with`` block; Playwright and the browser stop at its end.

    ``options`` go to ``chromium.launch()`` (for example ``slow_mo=100``).
    """
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    try:
        browser = await launch(playwright, **options)
        try:
            yield browser
        finally:
            await browser.close()
    finally:
        await playwright.stop()


async def log_lines(page, selector: str) -> list[str]:
    """The visible text of every element matching ``selector`` on ``page``, in document order."""
    return await page.locator(selector).all_inner_texts()
