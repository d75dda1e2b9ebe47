"""ex18: protect(inner) refuses foreign and missing origins and gives inner scope["user"]."""

import pytest
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path


class WhoAmI(AsyncWebsocketConsumer):
    """Says who the scope's user is: "anonymous", a username, or "no user in scope"."""

    async def connect(self):
        await self.accept()
        user = self.scope.get("user")
        if user is None:
            await self.send(text_data="no user in scope")
        else:
            await self.send(text_data="anonymous" if user.is_anonymous else user.get_username())


@pytest.fixture
def app(submission):
    return submission("ex18_protect.py").protect(URLRouter([path("ws/who/", WhoAmI.as_asgi())]))


async def open_from(app, origin):
    headers = [] if origin is None else [(b"origin", origin.encode())]
    client = WebsocketCommunicator(app, "/ws/who/", headers=headers)
    accepted, _ = await client.connect(timeout=1)
    return client, accepted


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8000", "http://localhost:8000"])
async def test_the_sites_own_origin_gets_through_with_a_user(app, origin):
    """A page from an allowed host connects, and the consumer finds scope["user"] (anonymous without a cookie)"""
    client, accepted = await open_from(app, origin)
    assert accepted, f"expected Origin {origin} to be accepted, but the connection was refused"
    got = await client.receive_from(timeout=1)
    assert got == "anonymous", f"expected the consumer to see an anonymous user, got {got!r}"
    await client.disconnect()


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1.evil.example", None],
                         ids=["foreign", "look-alike", "missing"])
async def test_foreign_or_missing_origins_are_refused(app, origin):
    """A foreign, look-alike or missing Origin is refused before the consumer runs"""
    client, accepted = await open_from(app, origin)
    assert not accepted, f"expected Origin {origin!r} to be refused, but the connection was accepted"
