"""ex20 wrong answer: waits until the first (sending) page's log shows the message, then reads the second page's.

expect: did you wait until the second page showed it
expect: the first page's log
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
        await first.locator("#log p").filter(has_text=f"anonymous: {text}").wait_for()
        return await second.locator("#log p").all_inner_texts()
    finally:
        await first.close()
        await second.close()
