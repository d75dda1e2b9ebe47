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


async def expect_no_route(ex05, url):
    client = WebsocketCommunicator(ex05.build_router(), url)
    try:
        await client.connect(timeout=1)
    except ValueError:
        return  # the outermost URLRouter's "No route found for path ..."
    await client.disconnect()
    pytest.fail(f"expected no route for {url}, but a consumer took it", pytrace=False)


@pytest.mark.parametrize("room", ["lobby", "team-7_b"])
async def test_rooms_capture_the_room_slug(ex05, room):
    """/ws/rooms/<room>/ gives kwargs {"room": ...}"""
    got = await captured(ex05, f"/ws/rooms/{room}/")
    assert got == {"room": room}, f"expected {{'room': {room!r}}}, got {got!r}"


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
    assert got == {"year": "2026", "month": "03"}, f"expected {{'year': '2026', 'month': '03'}}, got {got!r}"
    for url in ["/ws/archive/26/03/", "/ws/archive/2026/3/", "/ws/archive/2026/03/extra/"]:
        await expect_no_route(ex05, url)


async def test_nested_team_channels(ex05):
    """/ws/teams/core/channels/general/ gives {"team": "core", "channel": "general"}"""
    got = await captured(ex05, "/ws/teams/core/channels/general/")
    assert got == {"team": "core", "channel": "general"}, (
        f"expected {{'team': 'core', 'channel': 'general'}}, got {got!r}")


async def test_team_route_is_a_nested_router(ex05):
    """The team route points at an inner URLRouter, not straight at a consumer"""
    from channels.routing import URLRouter

    router = ex05.build_router()
    inner = [route.callback for route in router.routes if isinstance(route.callback, URLRouter)]
    assert inner, "expected one route of build_router() to point at another URLRouter (nested routers)"


async def test_other_paths_find_no_route(ex05):
    """Paths that are not listed find no route"""
    for url in ["/ws/nowhere/", "/ws/rooms/", "/ws/teams/core/"]:
        await expect_no_route(ex05, url)
