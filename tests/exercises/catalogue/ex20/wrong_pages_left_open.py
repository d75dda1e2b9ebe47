"""ex20 wrong answer: returns the log without closing the two pages it opened.

expect: expected no open pages
"""


async def say_in_room(browser, base_url: str, room: str, text: str) -> list[str]:
    first, second = await browser.new_page(), await browser.new_page()
    for page in (first, second):
        await page.goto(f"{base_url}/?room={room}")
    for page in (first, second):
        await page.locator("#state").filter(has_text="OPEN").wait_for()
    await first.fill("#message", text)
    await first.press("#message", "Enter")
    await second.locator("#log p").filter(has_text=f"anonymous: {text}").wait_for()
    return await second.locator("#log p").all_inner_texts()
