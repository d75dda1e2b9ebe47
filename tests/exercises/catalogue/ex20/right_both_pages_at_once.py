"""ex20 rightful variant: opens both pages concurrently, waits with wait_for_function, reads the log by evaluate().
"""

import asyncio


async def open_in_room(browser, url):
    page = await browser.new_page()
    await page.goto(url)
    await page.wait_for_function("document.getElementById('state').textContent === 'OPEN'")
    return page


async def say_in_room(browser, base_url: str, room: str, text: str) -> list[str]:
    pages = []
    try:
        for task in asyncio.as_completed([open_in_room(browser, f"{base_url}/?room={room}") for _ in range(2)]):
            pages.append(await task)
        sender, listener = pages
        await sender.locator("#message").fill(text)
        await sender.keyboard.press("Enter")
        await listener.get_by_text(f"anonymous: {text}", exact=True).wait_for()
        return await listener.evaluate("[...document.querySelectorAll('#log p')].map((p) => p.textContent)")
    finally:
        for page in pages:
            await page.close()
