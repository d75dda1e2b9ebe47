"""The demo project behind a slow handshake: every WebSocket is accepted half a second late.

ex20's tests serve this app, so that code which types into the chat page before its socket
is open loses the message, as it would over a slow network.

    daphne lessons.nb10_slow_open:application
"""

import asyncio

from demo_project.asgi import application as demo_application

HANDSHAKE_DELAY = 0.5  # seconds


async def application(scope, receive, send):
    """The demo's application, with ``HANDSHAKE_DELAY`` seconds of waiting before each WebSocket."""
    if scope["type"] == "websocket":
        await asyncio.sleep(HANDSHAKE_DELAY)
    await demo_application(scope, receive, send)
