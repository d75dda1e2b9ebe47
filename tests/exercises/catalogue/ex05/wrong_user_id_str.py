"""ex05 wrong answer: captures user_id without the int converter, so it arrives as "42".

expect: int converter
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
    """The URLRouter described above."""
    team_routes = URLRouter([path("channels/<slug:channel>/", WhereAmI.as_asgi())])
    return URLRouter(
        [
            path("ws/rooms/<slug:room>/", WhereAmI.as_asgi()),
            path("ws/users/<user_id>/", WhereAmI.as_asgi()),
            re_path(r"^ws/archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", WhereAmI.as_asgi()),
            path("ws/teams/<slug:team>/", team_routes),
        ]
    )
