"""ex05 rightful variant: re_path with the slug character class for rooms, \\d{4} for years, the inner router inline.
"""


from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from django.urls import path, re_path


class WhereAmI(AsyncJsonWebsocketConsumer):
    """Accepts, then sends back what the router captured: {"args": [...], "kwargs": {...}}."""

    async def connect(self):
        await self.accept()
        route = self.scope["url_route"]
        await self.send_json({"args": list(route["args"]), "kwargs": route["kwargs"]})


def build_router() -> URLRouter:
    where = WhereAmI.as_asgi()
    return URLRouter([
        path("ws/teams/<slug:team>/", URLRouter([re_path(r"^channels/(?P<channel>[-a-zA-Z0-9_]+)/$", where)])),
        re_path(r"^ws/archive/(?P<year>\d{4})/(?P<month>\d{2})/$", where),
        re_path(r"^ws/rooms/(?P<room>[-a-zA-Z0-9_]+)/$", where),
        path("ws/users/<int:user_id>/", where),
    ])
