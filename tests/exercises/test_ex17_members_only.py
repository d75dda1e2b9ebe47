"""ex17: MembersOnlyConsumer greets logged-in users and closes everyone else with 4401."""

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser, User

NO_USER = object()


@pytest.fixture
def module(submission):
    return submission("ex17_members_only.py")


def as_user(app, user):
    """Put ``user`` in the scope, as AuthMiddlewareStack would (NO_USER: leave the key out)."""
    async def wrapped(scope, receive, send):
        if user is not NO_USER:
            scope = {**scope, "user": user}
        return await app(scope, receive, send)
    return wrapped


async def open_as(module, user):
    client = WebsocketCommunicator(as_user(module.MembersOnlyConsumer.as_asgi(), user), "/ws/members/")
    accepted, code = await client.connect(timeout=1)
    return client, accepted, code


async def test_a_logged_in_user_is_greeted(module):
    """A logged-in user is accepted and greeted with "hello, <username>\""""
    client, accepted, code = await open_as(module, User(username="alice"))
    assert accepted, f"expected alice to be accepted, got a close with code {code!r}"
    got = await client.receive_from(timeout=1)
    assert got == "hello, alice", f"expected 'hello, alice', got {got!r}"
    await client.disconnect()


@pytest.mark.parametrize("user", [AnonymousUser(), NO_USER], ids=["anonymous", "no-user-in-scope"])
async def test_anyone_else_is_accepted_then_closed_with_4401(module, user):
    """An anonymous client (or a scope without "user") is accepted, then closed with 4401, and never greeted"""
    client, accepted, code = await open_as(module, user)
    assert accepted, (f"expected the connection to be accepted first (so the browser sees the close code), "
                      f"but it was refused with code {code!r}: a browser would only see HTTP 403")
    got = await client.receive_output(timeout=1)
    assert got == {"type": "websocket.close", "code": 4401}, f"expected a close with code 4401, got {got!r}"
