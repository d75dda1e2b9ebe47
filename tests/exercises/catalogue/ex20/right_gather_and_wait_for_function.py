"""ex20 rightful variant: loads both pages at once with asyncio.gather, waits with wait_for_function, types with the keyboard, strips the lines.
"""

import asyncio

OPEN = "() => document.querySelector('#state').textContent.trim() === 'OPEN'"


async def say_in_room(browser, base_url, room, text):
    pages = []
    try:
        for _ in range(2):
            pages.append(await browser.new_page())
        sender, listener = pages
        await asyncio.gather(*(p.goto(f"{base_url}/?room={room}") for p in pages))
        await asyncio.gather(*(p.wait_for_function(OPEN) for p in pages))
        await sender.locator("#message").type(text)
        await sender.keyboard.press("Enter")
        wanted = f"anonymous: {text}"
        await listener.wait_for_function(
            "(wanted) => [...document.querySelectorAll('#log p')].some((p) => p.textContent === wanted)", arg=wanted)
        return [line.strip() for line in await listener.locator("#log > p").all_text_contents()]
    finally:
        for p in pages:
            await p.close()
