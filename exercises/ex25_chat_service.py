"""ex25 — Capstone: the chat service, end to end (notebooks/14_capstone.ipynb).

Build the course's chat room yourself: the consumer, its routing and security stack, and the
page's script. The tests serve your module with a real daphne on a real Redis channel layer
(two daphne processes share it), log two users in, open two Chromium pages and a Python
client, and chat.

1. ``ChatRoomConsumer`` (an ``AsyncJsonWebsocketConsumer``) serves ``/ws/chat/<room>/``:
   - an anonymous user is accepted, sent ``{"type": "error", "error": <why>}``, then closed with
     code 4401 (a code the page can show; refusing before accepting gives only HTTP 403);
   - a logged-in user joins the group ``chat.<room>`` and is accepted;
   - ``{"message": <text>}``, where text is a string with something besides spaces and at most
     ``MAX_MESSAGE`` characters, reaches every member of the room, sender included, as
     ``{"type": "message", "user": <sender's username>, "message": <text>}``;
   - anything else (a binary frame, malformed JSON, JSON that is not an object, a missing,
     empty, too long or non-string message) is answered, to the sender only, with
     ``{"type": "error", "error": <a sentence>}``, and the connection stays open;
   - a member leaves the group when it disconnects.
2. ``websocket_application()`` returns the ASGI application for WebSocket connections: the
   routes inside Channels' session/auth middleware, inside an origin check that accepts only
   pages served from the project's ALLOWED_HOSTS (a foreign page's Origin is refused).
3. ``PAGE_SCRIPT`` is the JavaScript of the room's page. The page is::

       <body data-room="lobby">
         <ul id="log"></ul>
         <form id="send"><input id="text" autocomplete="off"><button>Send</button></form>
         <script>PAGE_SCRIPT</script>
       </body>

   The script opens a WebSocket to ``/ws/chat/<room>/`` on the page's own host (``ws:`` for an
   ``http:`` page, ``wss:`` for ``https:``); on submit it sends ``{"message": <the input's
   text>}``, clears the input and does not reload the page; for each ``message`` it adds
   ``<li>`` with the text ``user: message``, for each ``error`` an ``<li class="error">`` with
   the error, and when the socket closes an ``<li class="closed">`` with the text
   ``closed <code>``. Text from the network is shown as text, never parsed as HTML.

Check your work:  make check EX=ex25   (or check("ex25") at the end of the notebook)
Stuck?            make hint EX=ex25
"""

import json

from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

MAX_MESSAGE = 500
LOGIN_REQUIRED = 4401


class ChatRoomConsumer(AsyncJsonWebsocketConsumer):
    """A room of logged-in users: each message reaches everyone in it."""

    async def connect(self):
        """Accept a logged-in user into the room's group; tell an anonymous one why, then close with 4401."""
        raise NotImplementedError("ex25 is not solved yet: write ChatRoomConsumer in exercises/ex25_chat_service.py")


def websocket_application():
    """The routes, inside the session/auth middleware, inside the origin check."""
    raise NotImplementedError("ex25 is not solved yet: write websocket_application() in exercises/ex25_chat_service.py")


PAGE_SCRIPT = r"""
// ex25 is not solved yet: write the page's script here.
"""
