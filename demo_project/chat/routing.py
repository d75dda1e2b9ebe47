"""WebSocket URLs of the demo: one consumer per idea."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/echo/", consumers.ChatConsumer.as_asgi()),
    path("ws/group/", consumers.ChatGroupConsumer.as_asgi()),
    path("ws/commands/", consumers.CommandConsumer.as_asgi()),
    path("ws/rooms/<slug:room>/", consumers.RoomConsumer.as_asgi()),
]
