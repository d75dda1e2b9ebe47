"""ex20 rightful variant: opens the second page only once the first is OPEN, in a context it closes.
"""


async def open_connected(context, url):
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_selector("#state:text-is('OPEN')")
    return page


async def say_in_room(browser, base_url: str, room: str, text: str) -> list[str]:
    url = f"{base_url}/?room={room}"
    context = await browser.new_context()
    try:
        sender = await open_connected(context, url)
        listener = await open_connected(context, url)
        await sender.type("#message", text)
        await sender.keyboard.press("Enter")
        await listener.wait_for_selector(f"#log p:text-is('anonymous: {text}')")
        return [await p.text_content() for p in await listener.query_selector_all("#log p")]
    finally:
        await context.close()
