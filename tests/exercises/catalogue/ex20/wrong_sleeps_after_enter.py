"""ex20 wrong answer: pauses a second after Enter (wait_for_timeout) instead of waiting for the message.

expect: did you wait until the second page showed it
expect: fixed pause
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
        await second.wait_for_timeout(1000)  # a message takes a moment to arrive
        return await second.locator("#log p").all_inner_texts()
    finally:
        await first.close()
        await second.close()
