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


async def open_as(module, user, who):
    client = WebsocketCommunicator(as_user(module.MembersOnlyConsumer.as_asgi(), user), "/ws/members/")
    try:
        accepted, code = await client.connect(timeout=1)
    except Exception as error:  # noqa: BLE001 - the learner's consumer may raise anything
        pytest.fail(f"for {who} the consumer raised {type(error).__name__}: {error}", pytrace=False)
    return client, accepted, code


async def next_output(client, who):
    try:
        return await client.receive_output(timeout=1)
    except TimeoutError:
        pytest.fail(f"for {who} expected the connection to be closed with 4401, but nothing came within 1 s",
                    pytrace=False)
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"for {who} the consumer raised {type(error).__name__}: {error}", pytrace=False)


@pytest.mark.parametrize("username", ["alice", "bob"])
async def test_a_logged_in_user_is_greeted(module, username):
    """A logged-in user is accepted and greeted with "hello, <username>\""""
    client, accepted, code = await open_as(module, User(username=username), f"the logged-in user {username}")
    assert accepted, f"expected {username} to be accepted, got a close with code {code!r}"
    got = await client.receive_from(timeout=1)
    want = f"hello, {username}"
    assert type(got) is str and got == want, f"expected {want!r}, got {got!r}"
    await client.disconnect()


@pytest.mark.parametrize("user", [AnonymousUser(), NO_USER], ids=["anonymous", "no-user-in-scope"])
async def test_anyone_else_is_accepted_then_closed_with_4401(module, user):
    """An anonymous client (or a scope without "user") is accepted, then closed with 4401, and never greeted"""
    who = "an anonymous user" if user is not NO_USER else 'a scope without "user"'
    client, accepted, code = await open_as(module, user, who)
    assert accepted, (f"for {who} expected the connection to be accepted first (so the browser sees the close "
                      f"code), but it was refused with code {code!r}: a browser would only see HTTP 403")
    for _ in range(10):  # a message saying why may come first; the close must follow
        got = await next_output(client, who)
        if got.get("type") == "websocket.close":
            break
        text = got.get("text")
        assert not (isinstance(text, str) and text.startswith("hello")), (
            f"for {who} expected no greeting, but the consumer sent {text!r}")
    else:
        pytest.fail(f"for {who} expected a close with code 4401, but the consumer kept sending", pytrace=False)
    close_code = got.get("code")
    assert "code" in got, (f"for {who} expected a close with code 4401 (LOGIN_REQUIRED), got a close without "
                           f"a code (the browser sees 1000)")
    assert type(close_code) is int and close_code == 4401, (
        f"for {who} expected a close with code 4401 (LOGIN_REQUIRED), got code {close_code!r}")
