"""The demo's consumers, one per idea.

- ``ChatConsumer``: echoes every frame (the origin article's first consumer);
- ``ChatGroupConsumer``: everyone connected to ``/ws/group/`` hears everyone (group ``f1``);
- ``CommandConsumer``: a small JSON command protocol that answers bad input with an error;
- ``RoomConsumer``: an async chat room per URL, used by the chat page at ``/``;
- ``ShoutWorker``: a background worker reached through ``ChannelNameRouter`` (notebook 07);
- ``MembersRoomConsumer``: a room that refuses anonymous users with close code 4401 (notebook 09).
"""

import json

from asgiref.sync import async_to_sync
from channels.consumer import AsyncConsumer
from channels.generic.websocket import (
    AsyncJsonWebsocketConsumer,
    JsonWebsocketConsumer,
    WebsocketConsumer,
)

MAX_CHAT_MESSAGE = 1000


class BadClientMessage(ValueError):
    """A frame from the client that the protocol cannot take; the text goes back to the client."""


def decode_json_frame(text_data=None, bytes_data=None):
    """Decode one client frame as a JSON object, or raise BadClientMessage saying what is wrong."""
    if text_data is None:
        raise BadClientMessage("binary frames are not accepted: send JSON text")
    try:
        content = json.loads(text_data)
    except json.JSONDecodeError as error:
        raise BadClientMessage(f"malformed JSON: {error}") from None
    except RecursionError:  # json.loads("[" * 100_000) raises this, not JSONDecodeError
        raise BadClientMessage("malformed JSON: nested too deeply") from None
    if not isinstance(content, dict):
        raise BadClientMessage("expected a JSON object such as {\"action\": \"ping\"}")
    return content


class ChatConsumer(WebsocketConsumer):
    """Echo: sends every text or binary frame straight back."""

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=text_data, bytes_data=bytes_data)


class ChatGroupConsumer(WebsocketConsumer):
    """Group chat: every text frame goes to all connections in group ``f1``, sender included."""

    group_name = "f1"

    def connect(self):
        async_to_sync(self.channel_layer.group_add)(self.group_name, self.channel_name)
        self.accept()

    def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            self.send(text_data="error: only text frames are shared with the group")
            return
        # "call.back" is dispatched to the method call_back on every member.
        async_to_sync(self.channel_layer.group_send)(
            self.group_name, {"type": "call.back", "message": text_data}
        )

    def call_back(self, event):
        self.send(text_data=event["message"])

    def disconnect(self, code):
        async_to_sync(self.channel_layer.group_discard)(self.group_name, self.channel_name)


class CommandConsumer(JsonWebsocketConsumer):
    """Answers ``{"action": "ping" | "echo" | "add", ...}``; anything else gets ``{"error": ...}``."""

    def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            command = decode_json_frame(text_data, bytes_data)
            self.send_json(self.run(command))
        except BadClientMessage as error:
            self.send_json({"error": str(error)})

    def run(self, command):
        """Carry out one validated command and return the reply."""
        action = command.get("action")
        if action == "ping":
            return {"action": "pong"}
        if action == "echo":
            return {"action": "echo", "text": command.get("text", "")}
        if action == "add":
            numbers = command.get("numbers")
            if not isinstance(numbers, list) or not all(
                isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers
            ):
                raise BadClientMessage("add needs \"numbers\": a list of numbers")
            return {"action": "add", "result": sum(numbers)}
        raise BadClientMessage(f"unknown action {action!r}; try ping, echo or add")


class RoomConsumer(AsyncJsonWebsocketConsumer):
    """A chat room per URL (``/ws/rooms/<room>/``): ``{"message": "hi"}`` reaches everyone in it."""

    async def connect(self):
        self.room = self.scope["url_route"]["kwargs"]["room"]
        self.group_name = f"room.{self.room}"
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = decode_json_frame(text_data, bytes_data)
            message = content.get("message")
            if not isinstance(message, str) or not message.strip():
                raise BadClientMessage("send {\"message\": \"some text\"}")
            if len(message) > MAX_CHAT_MESSAGE:
                raise BadClientMessage(f"messages are limited to {MAX_CHAT_MESSAGE} characters")
        except BadClientMessage as error:
            await self.send_json({"type": "error", "error": str(error)})
            return
        await self.channel_layer.group_send(
            self.group_name,
            {"type": "chat.message", "message": message, "user": self.display_name()},
        )

    async def chat_message(self, event):
        await self.send_json({"type": "message", "user": event["user"], "message": event["message"]})

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group_name, self.channel_name)

    def display_name(self):
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            return user.get_username()
        return "anonymous"


# ---- notebooks 07 and 09: a background worker and a members-only room ----

# Close code for "log in first": 4000–4999 are free for applications (RFC 6455, 7.4.2).
LOGIN_REQUIRED = 4401


class ShoutWorker(AsyncConsumer):
    """A background worker on channel ``shouter`` (``manage.py runworker shouter``).

    ``{"type": "shout", "room": "lobby", "message": "hi"}`` sent to the channel reaches
    the room as ``HI``, from user ``worker``.
    """

    async def shout(self, event):
        await self.channel_layer.group_send(
            f"room.{event['room']}",
            {"type": "chat.message", "message": event["message"].upper(), "user": "worker"},
        )


class MembersRoomConsumer(RoomConsumer):
    """A room for logged-in users only (``/ws/members/<room>/``).

    Anonymous clients are accepted just long enough to hear why, then closed with 4401,
    a code the page can show; refusing before ``accept()`` would give only an HTTP 403.
    """

    group_name = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.send_json({"type": "error", "error": "log in to join this room"})
            await self.close(code=LOGIN_REQUIRED)
            return
        self.room = self.scope["url_route"]["kwargs"]["room"]
        self.group_name = f"members.{self.room}"
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group_name is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
