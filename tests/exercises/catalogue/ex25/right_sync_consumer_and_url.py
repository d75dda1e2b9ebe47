"""ex25 rightful variant: a synchronous consumer with async_to_sync, a separate validation function, and a URL built with new URL().
"""

import json

from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import JsonWebsocketConsumer
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import re_path

MAX_MESSAGE = 500


def checked(text_data):
    """The message text, or raise ValueError saying what is wrong."""
    if text_data is None:
        raise ValueError("binary frames are not accepted")
    try:
        content = json.loads(text_data)
    except (json.JSONDecodeError, RecursionError):
        raise ValueError("malformed JSON") from None
    message = content.get("message") if type(content) is dict else None
    if type(message) is not str or message.strip() == "" or len(message) > MAX_MESSAGE:
        raise ValueError(f"send {{\"message\": ...}} with 1 to {MAX_MESSAGE} characters")
    return message


class ChatRoomConsumer(JsonWebsocketConsumer):
    room_group = None

    def connect(self):
        self.accept()
        if not self.scope["user"].is_authenticated:
            self.send_json({"type": "error", "error": "this room is for members"})
            self.close(4401)
            return
        self.room_group = "chat." + self.scope["url_route"]["kwargs"]["room"]
        async_to_sync(self.channel_layer.group_add)(self.room_group, self.channel_name)

    def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            message = checked(text_data)
        except ValueError as error:
            return self.send_json({"error": str(error), "type": "error"})
        async_to_sync(self.channel_layer.group_send)(
            self.room_group, {"type": "chat.message", "user": self.scope["user"].username, "message": message})

    def chat_message(self, event):
        self.send_json({"type": "message", "message": event["message"], "user": event["user"]})

    def disconnect(self, code):
        if self.room_group:
            async_to_sync(self.channel_layer.group_discard)(self.room_group, self.channel_name)


def websocket_application():
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter([
        re_path(r"^ws/chat/(?P<room>[-a-zA-Z0-9_]+)/$", ChatRoomConsumer.as_asgi()),
    ])))


PAGE_SCRIPT = """
(function () {
  var url = new URL("/ws/chat/" + document.body.dataset.room + "/", location.href);
  url.protocol = url.protocol.replace("http", "ws");
  var ws = new WebSocket(url);
  function line(text, css) {
    var li = document.createElement("li");
    if (css) { li.classList.add(css); }
    li.appendChild(document.createTextNode(text));
    document.querySelector("#log").appendChild(li);
  }
  ws.onmessage = function (e) {
    var m = JSON.parse(e.data);
    if (m.type === "message") { line(m.user + ": " + m.message); }
    if (m.type === "error") { line(m.error, "error"); }
  };
  ws.onclose = function (e) { line("closed " + e.code, "closed"); };
  document.querySelector("#send").onsubmit = function (e) {
    e.preventDefault();
    var box = document.querySelector("#text");
    ws.send(JSON.stringify({message: box.value}));
    box.value = "";
  };
})();
"""
