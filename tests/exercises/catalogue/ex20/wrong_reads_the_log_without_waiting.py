"""ex20 wrong answer: reads the second page's log right after pressing Enter, without waiting for the message.

expect: did you wait until the second page showed it
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
        return await second.locator("#log p").all_inner_texts()
    finally:
        await first.close()
        await second.close()
