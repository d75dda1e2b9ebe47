"""ex20 wrong answer: waits until the page opened last is OPEN, not both, then sends from the first page.

expect: first page's socket opened
expect: sent from the first page before its socket was OPEN
"""


async def say_in_room(browser, base_url: str, room: str, text: str) -> list[str]:
    first, second = await browser.new_page(), await browser.new_page()
    try:
        for page in (first, second):
            await page.goto(f"{base_url}/?room={room}")
        # "the second page was opened last, so once it is connected the first one must be too"
        await second.locator("#state").filter(has_text="OPEN").wait_for()
        await first.fill("#message", text)
        await first.press("#message", "Enter")
        await second.locator("#log p").filter(has_text=f"anonymous: {text}").wait_for()
        return await second.locator("#log p").all_inner_texts()
    finally:
        await first.close()
        await second.close()
