"""ex20 wrong answer: returns the log's whole text as one str instead of a list of lines.

expect: expected a list of str
"""


async def say_in_room(browser, base_url: str, room: str, text: str) -> list[str]:
    first, second = await browser.new_page(), await browser.new_page()
    try:
        for page in (first, second):
            await page.goto(f"{base_url}/?room={room}")
        for page in (first, second):
            await page.locator("#state").filter(has_text="OPEN").wait_for()
        await first.fill("#message", text)
        await first.press("#message", "Enter")
        await second.locator("#log p").filter(has_text=f"anonymous: {text}").wait_for()
        return await second.inner_text("#log")
    finally:
        await first.close()
        await second.close()
