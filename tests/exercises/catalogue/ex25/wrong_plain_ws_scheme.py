"""ex25 wrong answer: the script hard-codes ws://, so a page served over https: cannot open its socket.

expect: an https: page must dial wss:
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

    group_name = None

    async def connect(self):
        """Accept a logged-in user into the room's group; tell an anonymous one why, then close with 4401."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.send_json({"type": "error", "error": "log in to chat"})
            await self.close(code=LOGIN_REQUIRED)
            return
        self.group_name = f"chat.{self.scope['url_route']['kwargs']['room']}"
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Check a frame; share a good message with the room, answer a bad one with an error."""
        problem = None
        if text_data is None:
            problem = "send JSON text, not binary frames"
        else:
            try:
                content = json.loads(text_data)
            except (ValueError, RecursionError):
                content, problem = None, "that was not JSON"
            if problem is None:
                message = content.get("message") if isinstance(content, dict) else None
                if not isinstance(message, str) or not message.strip():
                    problem = 'send {"message": "some text"}'
                elif len(message) > MAX_MESSAGE:
                    problem = f"messages are limited to {MAX_MESSAGE} characters"
        if problem:
            await self.send_json({"type": "error", "error": problem})
            return
        await self.channel_layer.group_send(
            self.group_name, {"type": "chat.message", "user": self.scope["user"].get_username(), "message": message})

    async def chat_message(self, event):
        """A room event: show it to this member."""
        await self.send_json({"type": "message", "user": event["user"], "message": event["message"]})

    async def disconnect(self, code):
        """Leave the room's group."""
        if self.group_name is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)


def websocket_application():
    """The routes, inside the session/auth middleware, inside the origin check."""
    routes = URLRouter([path("ws/chat/<slug:room>/", ChatRoomConsumer.as_asgi())])
    return AllowedHostsOriginValidator(AuthMiddlewareStack(routes))


PAGE_SCRIPT = r"""
const room = document.body.dataset.room;
const log = document.getElementById("log");
const form = document.getElementById("send");
const input = document.getElementById("text");
const socket = new WebSocket(`ws://${location.host}/ws/chat/${room}/`);

function show(text, kind) {
  const item = document.createElement("li");
  if (kind) item.className = kind;
  item.textContent = text;
  log.append(item);
}

socket.addEventListener("message", (event) => {
  const data = JSON.parse(event.data);
  if (data.type === "message") show(`${data.user}: ${data.message}`);
  else if (data.type === "error") show(data.error, "error");
});
socket.addEventListener("close", (event) => show(`closed ${event.code}`, "closed"));

form.addEventListener("submit", (event) => {
  event.preventDefault();
  socket.send(JSON.stringify({ message: input.value }));
  input.value = "";
});
"""
