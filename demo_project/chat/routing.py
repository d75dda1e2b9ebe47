"""WebSocket URLs of the demo: one consumer per idea; and the background worker's channel."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/echo/", consumers.ChatConsumer.as_asgi()),
    path("ws/group/", consumers.ChatGroupConsumer.as_asgi()),
    path("ws/commands/", consumers.CommandConsumer.as_asgi()),
    path("ws/rooms/<slug:room>/", consumers.RoomConsumer.as_asgi()),
    path("ws/members/<slug:room>/", consumers.MembersRoomConsumer.as_asgi()),
]

# Channel name -> consumer, for `manage.py runworker shouter` (through ChannelNameRouter in asgi.py).
worker_channels = {
    "shouter": consumers.ShoutWorker.as_asgi(),
}
