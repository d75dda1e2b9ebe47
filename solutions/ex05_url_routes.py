"""ex05 — Route WebSocket URLs to a consumer, with captured values (notebooks/03_routing.ipynb).

Write ``build_router()`` returning a ``channels.routing.URLRouter`` that sends each of these
paths to ``WhereAmI.as_asgi()`` (given below), so that ``scope["url_route"]["kwargs"]`` holds:

    /ws/rooms/<room>/                    {"room": "lobby"}       room: ASCII letters, digits, - and _ (a slug)
    /ws/users/<user_id>/                 {"user_id": 42}         an int, not "42"; /ws/users/abc/ must not match
    /ws/archive/<year>/<month>/          {"year": "2026", "month": "03"}
                                         with re_path(): exactly 4 digits, then exactly 2 digits
    /ws/teams/<team>/channels/<channel>/ {"team": "core", "channel": "general"}
                                         with a nested URLRouter: the outer one captures team,
                                         an inner one captures channel

Any other path must find no route.

Check your work:  make check EX=ex05   (or check("ex05") at the end of the notebook)
Stuck?            make hint EX=ex05
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
            path("ws/users/<int:user_id>/", WhereAmI.as_asgi()),
            re_path(r"^ws/archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", WhereAmI.as_asgi()),
            path("ws/teams/<slug:team>/", team_routes),
        ]
    )
