"""ex18: protect(inner) refuses foreign and missing origins and gives inner scope["user"]."""

import asyncio
import runpy
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from channels_lab.accounts import cookie_header, log_in, temporary_database

SITE_FILE = Path(__file__).with_name("ex18_site.py")
SITE = runpy.run_path(str(SITE_FILE))


@pytest.fixture(scope="module")
def protect(submission):
    return submission("ex18_protect.py").protect


@pytest.fixture
def app(protect):
    return protect(SITE["routes"]())


async def open_from(app, origin):
    headers = [] if origin is None else [(b"origin", origin.encode())]
    client = WebsocketCommunicator(app, "/ws/who/", headers=headers)
    try:
        accepted, _ = await client.connect(timeout=1)
    except Exception as error:  # noqa: BLE001 - the learner's stack may raise anything
        pytest.fail(f"for Origin {origin!r} the application raised {type(error).__name__}: {error}", pytrace=False)
    return client, accepted


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8000", "http://localhost:8000", "http://localhost:5173",
                                    "https://127.0.0.1:8443", "http://127.0.0.1"])
async def test_the_sites_own_hosts_get_through_with_a_user(app, origin):
    """A page from an allowed host, on any port, connects, and the consumer finds scope["user"] (anonymous without a cookie)"""
    client, accepted = await open_from(app, origin)
    assert accepted, (f"expected Origin {origin} to be accepted (its host is in ALLOWED_HOSTS; the port does not "
                      f"matter), but the connection was refused")
    got = await client.receive_from(timeout=1)
    assert got == "anonymous", f"expected the consumer to see an anonymous user, got {got!r}"
    await client.disconnect()


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1.evil.example", "http://evil.example:8000",
                                    None], ids=["foreign", "look-alike", "foreign-on-the-sites-port", "missing"])
async def test_foreign_or_missing_origins_are_refused(app, origin):
    """A foreign, look-alike or missing Origin is refused before the consumer runs"""
    client, accepted = await open_from(app, origin)
    assert not accepted, f"expected Origin {origin!r} to be refused, but the connection was accepted"


async def test_the_allowed_hosts_come_from_the_settings(protect):
    """The allowed hosts are settings.ALLOWED_HOSTS (read when protect() is called), not a list of your own"""
    hosts = ["chat.example.com"]
    with override_settings(ALLOWED_HOSTS=hosts):
        app = protect(SITE["routes"]())
        client, accepted = await open_from(app, "https://chat.example.com")
        assert accepted, (f"with ALLOWED_HOSTS = {hosts} expected Origin https://chat.example.com to be accepted: "
                          f"read the allowed hosts from settings.ALLOWED_HOSTS")
        await client.disconnect()
        client, accepted = await open_from(app, "http://127.0.0.1:8000")
        assert not accepted, (f"with ALLOWED_HOSTS = {hosts} expected Origin http://127.0.0.1:8000 to be refused: "
                              f"read the allowed hosts from settings.ALLOWED_HOSTS")


@pytest.fixture(scope="module")
def logged_in(serve_submission):
    """A daphne serving protect() around WhoAmI with the demo's login pages, and alice's session cookie."""
    with temporary_database({"alice": "wonderland"}) as database:
        expression = f"__import__('runpy').run_path({str(SITE_FILE)!r})['site'](submitted.protect)"
        with serve_submission("ex18_protect", expression, env={"DEMO_DATABASE": database}) as server:
            jar = log_in(server.url, "alice", "wonderland")
            yield server, {"Cookie": cookie_header(jar, server.ws_url("/ws/who/"))}


async def who_over_daphne(server, origin, headers):
    """What WhoAmI answers over a real daphne for a client sending ``origin`` and ``headers``; None if refused."""
    try:
        async with connect(server.ws_url("/ws/who/"), origin=origin, additional_headers=headers,
                           open_timeout=5) as ws:
            return await asyncio.wait_for(ws.recv(), 5)
    except InvalidStatus:
        return None


async def test_a_logged_in_user_is_found_through_daphne(logged_in):
    """Through daphne, alice's session cookie from a real login makes scope["user"] alice, from any allowed page"""
    server, alices_cookie = logged_in
    port = int(server.url.rsplit(":", 1)[1])
    for origin in (server.origin, f"http://localhost:{port + 1}"):
        got = await who_over_daphne(server, origin, alices_cookie)
        assert got is not None, f"expected alice's page at Origin {origin} to be accepted, but it was refused"
        assert got == "alice", (f"expected the consumer to see alice, the user of the session cookie (from a page "
                                f"at {origin}), got {got!r}")
    got = await who_over_daphne(server, server.origin, {})
    assert got == "anonymous", f"expected a client without the cookie to be anonymous, got {got!r}"


async def test_a_foreign_page_cannot_use_the_cookie(logged_in):
    """Through daphne, a foreign page sending alice's cookie is refused before the consumer runs"""
    server, alices_cookie = logged_in
    got = await who_over_daphne(server, "http://evil.example", alices_cookie)
    assert got is None, f"expected Origin http://evil.example to be refused, but the consumer answered {got!r}"
