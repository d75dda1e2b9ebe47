"""Headless Chromium for the notebooks and the tests, driven by Playwright's async API.

    from channels_lab.browser import chromium

    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(server.url + "/")

Playwright cannot download its own browsers here, so it drives an installed Chromium, found by
``chromium_path()`` (Debian's ``/usr/bin/chromium`` on this course's machines), with flags that
keep it headless, quiet and offline (no sandbox, which needs privileges a container lacks; no
GPU; no QUIC, sync, updates or first-run UI).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from pathlib import Path

CHROMIUM_ENV = "CHANNELS_LAB_CHROMIUM"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; the first place chromium_path() looks
INSTALLED_LOCATIONS = (
    CHROMIUM,
    Path("/Applications/Chromium.app/Contents/MacOS/Chromium"),
    Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
    Path("/opt/homebrew/bin/chromium"),
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _runnable(path: str | os.PathLike) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def chromium_path() -> str | None:
    """The Chromium every notebook, test and benchmark launches, or None if there is none here.

    ``CHANNELS_LAB_CHROMIUM`` decides when it is set: a path to use, or, if it is empty or names
    no runnable file, "no Chromium here" (how a test hides it). Otherwise the first of
    ``INSTALLED_LOCATIONS`` that exists (Debian, macOS apps, Homebrew), then the browser
    ``playwright install chromium`` downloaded, if any.
    """
    if (chosen := os.environ.get(CHROMIUM_ENV)) is not None:
        return chosen if chosen and _runnable(chosen) else None
    for location in INSTALLED_LOCATIONS:
        if _runnable(location):
            return str(location)
    return _playwright_chromium()


@functools.cache
def _playwright_chromium() -> str | None:
    """Playwright's own downloaded Chromium, if ``playwright install chromium`` was run."""
    found: list[str] = []

    def ask() -> None:  # in a thread: the sync API refuses to run inside a running event loop
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                found.append(playwright.chromium.executable_path)
        except Exception:  # noqa: BLE001 - no playwright, or its driver cannot start: no browser
            pass

    thread = threading.Thread(target=ask, name="playwright-chromium-path")
    thread.start()
    thread.join()
    return found[0] if found and _runnable(found[0]) else None


async def launch(playwright, **options):
    """Launch ``chromium_path()``'s Chromium through a started Playwright (``await async_playwright().start()``)."""
    executable = chromium_path()
    if executable is None:
        from .testing import missing

        raise FileNotFoundError(missing("chromium"))
    return await playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS, **options)


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
