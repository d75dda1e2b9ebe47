"""ex20 — Two pages, one room, driven by Playwright (notebooks/10_browser.ipynb).

Write ``say_in_room(browser, base_url, room, text)``, an async function that uses a running
Playwright ``browser`` (headless Chromium) and the demo project served at ``base_url``:

1. open the demo's chat page, ``f"{base_url}/?room={room}"``, in two new pages;
2. wait until both pages are connected (the page shows its socket's state in ``#state``);
3. send ``text`` from the first page through its form (input ``#message``, then Enter);
4. wait until the second page's log (``#log``, one ``<p>`` per line) shows the message;
5. close both pages, and return the second page's log lines as a list of str.

The tests' server accepts WebSockets late, as a slow network might, and not equally late:
either page's socket may open seconds after the other's (the tests try both orders). It
delivers chat messages late too, and greets each socket with a line of its own.

Check your work:  make check EX=ex20   (or check("ex20") at the end of the notebook)
Stuck?            make hint EX=ex20
"""


async def say_in_room(browser, base_url: str, room: str, text: str) -> list[str]:
    """Send ``text`` from one chat page in ``room`` and return the log lines another page shows."""
    first, second = await browser.new_page(), await browser.new_page()
    try:
        for page in (first, second):
            await page.goto(f"{base_url}/?room={room}")
        for page in (first, second):
            # The form ignores a message while the socket is still CONNECTING: wait for OPEN.
            await page.locator("#state").filter(has_text="OPEN").wait_for()
        await first.fill("#message", text)
        await first.press("#message", "Enter")
        await second.locator("#log p").filter(has_text=f"anonymous: {text}").wait_for()
        return await second.locator("#log p").all_inner_texts()
    finally:
        await first.close()
        await second.close()
