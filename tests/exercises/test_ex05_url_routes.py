"""ex05: build_router() -> a URLRouter with path(), re_path(), converters and a nested router."""

import pytest
from channels.testing import WebsocketCommunicator


@pytest.fixture(scope="module")
def ex05(submission):
    return submission("ex05_url_routes.py")


async def captured(ex05, url):
    """Connect to ``url`` through the learner's router; return what WhereAmI reports."""
    client = WebsocketCommunicator(ex05.build_router(), url)
    try:
        accepted, _ = await client.connect(timeout=1)
    except ValueError as error:
        pytest.fail(f"expected {url} to reach WhereAmI, got ValueError: {error}", pytrace=False)
    assert accepted, f"expected {url} to be accepted by WhereAmI"
    seen = await client.receive_json_from(timeout=1)
    await client.disconnect()
    return seen["kwargs"]


async def expect_no_route(ex05, url, why=""):
    client = WebsocketCommunicator(ex05.build_router(), url)
    try:
        await client.connect(timeout=1)
    except ValueError:
        return  # the outermost URLRouter's "No route found for path ..."
    seen = await client.receive_json_from(timeout=1)
    await client.disconnect()
    pytest.fail(f"expected no route for {url}, but a consumer took it with kwargs {seen.get('kwargs')!r}"
                + (f": {why}" if why else ""), pytrace=False)


@pytest.mark.parametrize("room", ["lobby", "team-7_b"])
async def test_rooms_capture_the_room_slug(ex05, room):
    """/ws/rooms/<room>/ gives kwargs {"room": ...}"""
    got = await captured(ex05, f"/ws/rooms/{room}/")
    assert got == {"room": room}, f"expected {{'room': {room!r}}}, got {got!r}"


@pytest.mark.parametrize("room", ["a.b", "caf%C3%A9", "two%20words", "semi;colon"])
async def test_room_names_are_slugs(ex05, room):
    """A room name that is not a slug (a dot, a space, an accent) finds no route"""
    await expect_no_route(ex05, f"/ws/rooms/{room}/", why="room names are slugs: ASCII letters, digits, - and _ (Python's \\w matches é too)")


async def test_users_capture_an_int(ex05):
    """/ws/users/42/ gives kwargs {"user_id": 42}, an int"""
    got = await captured(ex05, "/ws/users/42/")
    assert got == {"user_id": 42} and isinstance(got.get("user_id"), int), (
        f"expected {{'user_id': 42}} (an int: use the int converter), got {got!r}")


async def test_users_refuse_a_non_number(ex05):
    """/ws/users/abc/ finds no route"""
    await expect_no_route(ex05, "/ws/users/abc/")


async def test_archive_uses_a_regular_expression(ex05):
    """/ws/archive/2026/03/ gives {"year": "2026", "month": "03"}; other shapes find no route"""
    got = await captured(ex05, "/ws/archive/2026/03/")
    assert got == {"year": "2026", "month": "03"}, (
        f"expected {{'year': '2026', 'month': '03'}} (strings of exactly 4 and 2 digits, captured by re_path), "
        f"got {got!r}")
    for url in ["/ws/archive/26/03/", "/ws/archive/2026/3/", "/ws/archive/20266/03/"]:
        await expect_no_route(ex05, url, why="exactly 4 digits, then exactly 2")
    await expect_no_route(ex05, "/ws/archive/2026/03/extra/", why="a regular expression matches from ^ to $")


async def test_nested_team_channels(ex05):
    """/ws/teams/core/channels/general/ gives {"team": "core", "channel": "general"}"""
    got = await captured(ex05, "/ws/teams/core/channels/general/")
    assert got == {"team": "core", "channel": "general"}, (
        f"expected {{'team': 'core', 'channel': 'general'}}, got {got!r}")


def test_the_outer_router_captures_team_and_an_inner_one_channel(ex05):
    """The outer router's team route captures only team and points at an inner URLRouter that captures channel"""
    from channels.routing import URLRouter

    router = ex05.build_router()
    assert isinstance(router, URLRouter), f"expected build_router() to return a URLRouter, got {router!r}"
    team_routes = [route for route in router.routes if "team" in route.pattern.regex.groupindex]
    assert team_routes, "expected a route of the outer URLRouter to capture team"
    for route in team_routes:
        groups = set(route.pattern.regex.groupindex)
        inner = route.callback
        assert isinstance(inner, URLRouter) and "channel" not in groups, (
            f"expected the team route ({route.pattern}) to capture only team and point at an inner URLRouter "
            f"that captures channel, but it captures {sorted(groups)} and points at {type(inner).__name__}")
        assert any("channel" in r.pattern.regex.groupindex for r in inner.routes), \
            "expected the inner URLRouter to capture channel"


async def test_other_paths_find_no_route(ex05):
    """Paths that are not listed find no route"""
    for url in ["/ws/nowhere/", "/ws/rooms/", "/ws/teams/core/"]:
        await expect_no_route(ex05, url)
