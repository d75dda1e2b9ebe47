"""ex26: HTTP_LINES and LOCATION, run in a real nginx in front of a real daphne, carry the chat's WebSockets.

The learner's strings go into an ``http { }`` block (``HTTP_LINES`` first, then ``upstream daphne``
and a ``server`` holding ``LOCATION``), run by ``channels_lab.nginx.run_nginx``. Upstream is
daphne serving tests/exercises/ex26_site.py with ``--proxy-headers --ping-interval 1``; a second
nginx runs the same block in front of ``StrictUpstream``, the ``websockets`` library's server,
which refuses a handshake sent as HTTP/1.0 with 505 (daphne accepts one: daphne/http_protocol.py:138).
"""

import asyncio
import contextlib
import json
import os
import re
import socket
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab.nginx import nginx_conf, run_nginx
from channels_lab.servers import ServerFailedToStart, django_env, run_daphne
from channels_lab.testing import require_nginx

HERE = Path(__file__).resolve().parent
ORIGIN = "http://127.0.0.1"  # a page of the site (ALLOWED_HOSTS is 127.0.0.1, localhost)
PING_INTERVAL = 1  # daphne's --ping-interval; daphne looks for idle connections every 2 s (daphne/server.py:345)
IDLE = 3.5  # seconds the idle test stays silent: longer than any gap between two of daphne's pings
FORGED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Port": "4444"}

HTTP = """
{http_lines}
upstream daphne {{ server 127.0.0.1:{upstream_port}; }}
server {{
    listen 127.0.0.1:{{port}};
{location}
}}
"""


def client_address() -> str:
    """127.0.0.2 where the loopback has it (Linux), so that nginx's own 127.0.0.1 differs; else 127.0.0.1."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.2", 0))
            return "127.0.0.2"
        except OSError:
            return "127.0.0.1"


CLIENT = client_address()


@pytest.fixture(scope="module")
def blocks(submission):
    """The learner's HTTP_LINES and LOCATION, each checked to be a str."""
    module = submission("ex26_nginx_location.py")
    found = {}
    for name in ("HTTP_LINES", "LOCATION"):
        if not hasattr(module, name):
            pytest.fail(f"your file defines no {name} (it must be a str, \"\" for none)", pytrace=False)
        value = getattr(module, name)
        if type(value) is not str:
            pytest.fail(f"{name} must be a str holding nginx configuration, got {type(value).__name__}: {value!r}",
                        pytrace=False)
        found[name] = value
    return found


@contextlib.contextmanager
def nginx_in_front_of(upstream_port: int, blocks: dict):
    """nginx running the learner's blocks with ``upstream daphne`` at ``upstream_port``; yields it or nginx's refusal."""
    http = HTTP.format(http_lines=blocks["HTTP_LINES"], location=blocks["LOCATION"], upstream_port=upstream_port)
    try:
        with run_nginx(http) as nginx:
            yield nginx
    except (ServerFailedToStart, ValueError) as error:
        yield f"nginx refused your configuration: {error}{where(str(error), http)}"


def where(error: str, http: str) -> str:
    """The lines around the one nginx's message points at (``nginx.conf:N``), numbered as nginx counts them."""
    found = re.search(r"nginx\.conf:(\d+)", error)
    if not found:
        return ""
    lines = nginx_conf(http, prefix="PREFIX", port=0).splitlines()
    n = int(found[1])
    shown = [f"{i:>4} {'>' if i == n else ' '} {lines[i - 1]}" for i in range(max(1, n - 3), min(len(lines), n + 1) + 1)]
    return "\nnginx.conf around that line:\n" + "\n".join(shown)


@pytest.fixture(scope="module")
def daphne():
    require_nginx()
    env = {"PYTHONPATH": os.pathsep.join([str(HERE), django_env()["PYTHONPATH"]])}
    args = ("--proxy-headers", "--ping-interval", str(PING_INTERVAL), "--ping-timeout", "10")
    with run_daphne("ex26_site:application", env=env, args=args) as server:
        yield server


@pytest.fixture(scope="module")
def nginx(daphne, blocks):
    with nginx_in_front_of(daphne.port, blocks) as server:
        yield server


def _site():
    import runpy

    return runpy.run_path(str(HERE / "ex26_site.py"))


@pytest.fixture(scope="module")
def strict(blocks):
    """(nginx in front of StrictUpstream, the upstream)."""
    require_nginx()
    upstream = _site()["StrictUpstream"]()
    try:
        with nginx_in_front_of(upstream.port, blocks) as server:
            yield server, upstream
    finally:
        upstream.close()


WHY = {
    404: "nginx answered 404 itself: your location does not hand /ws/ to daphne (proxy_pass http://daphne)",
    426: ("daphne got a plain HTTP request, not a WebSocket handshake: nginx did not pass the client's Upgrade "
          "header on (Upgrade is hop-by-hop, so nginx drops it unless you set it)"),
    400: ("daphne refused the handshake as malformed: nginx sent it without Connection: upgrade (nginx sends "
          "Connection: close unless you set it)"),
    502: "nginx could not reach daphne: proxy_pass must name the upstream daphne (http://daphne)",
    403: "the origin check refused the page's own Origin http://127.0.0.1: did nginx pass Origin on unchanged?",
}


def failed_handshake(status: int) -> str:
    return f"the handshake came back {status}, not 101: {WHY.get(status, 'see what nginx or daphne answered')}"


def ws_url(nginx, path: str) -> str:
    if isinstance(nginx, str):
        pytest.fail(nginx, pytrace=False)
    return nginx.ws_url(path)


@contextlib.asynccontextmanager
async def through(nginx, path: str, origin: str = ORIGIN, headers=None):
    """A WebSocket to ``path`` through nginx, from CLIENT, with no pings of its own; fails naming a refused handshake."""
    try:
        ws = await connect(ws_url(nginx, path), origin=origin, additional_headers=headers or {}, ping_interval=None,
                           open_timeout=10, close_timeout=2, local_addr=(CLIENT, 0))
    except InvalidStatus as refused:
        pytest.fail(failed_handshake(refused.response.status_code), pytrace=False)
    except (OSError, asyncio.TimeoutError) as error:
        pytest.fail(f"the handshake through nginx did not complete: {type(error).__name__}: {error}", pytrace=False)
    try:
        yield ws
    finally:
        await ws.close()


async def test_the_handshake_goes_through(nginx):
    """Through nginx, a WebSocket handshake to /ws/echo/ succeeds (101 Switching Protocols)"""
    async with through(nginx, "/ws/echo/") as ws:
        status = ws.response.status_code
    assert status == 101, failed_handshake(status)


async def test_messages_go_both_ways(nginx):
    """Through nginx, /ws/echo/ sends back each message: one short, one of 100 kB"""
    async with through(nginx, "/ws/echo/") as ws:
        for sent in ("hello through nginx", "x" * 100_000):
            await ws.send(sent)
            try:
                got = await asyncio.wait_for(ws.recv(), 10)
            except (ConnectionClosed, asyncio.TimeoutError) as error:
                pytest.fail(f"sent {len(sent)} characters, got no echo: {type(error).__name__}", pytrace=False)
            assert type(got) is str and got == sent, f"sent {len(sent)} characters, got back {got!r:.80}"


async def test_an_idle_connection_stays_open(nginx):
    """A connection silent for 3.5 s (daphne pings it meanwhile) is still open, and still echoes"""
    async with through(nginx, "/ws/echo/") as ws:
        started = time.monotonic()
        try:
            await asyncio.wait_for(ws.wait_closed(), IDLE)
        except asyncio.TimeoutError:
            pass
        else:
            pytest.fail(f"the idle connection was closed after {time.monotonic() - started:.1f} s (close code "
                        f"{ws.close_code}), before daphne's next ping: nginx's proxy_read_timeout is shorter than "
                        f"the time between two pings (up to 3 s here with --ping-interval {PING_INTERVAL})",
                        pytrace=False)
        await ws.send("still there?")
        got = await asyncio.wait_for(ws.recv(), 10)
        assert got == "still there?", f"after the idle time, expected the echo 'still there?', got {got!r}"


async def test_a_stricter_server_gets_the_handshake_too(strict):
    """The same block in front of the websockets library's server, which wants the handshake in HTTP/1.1: 101 and an echo"""
    nginx, _ = strict
    try:
        async with connect(ws_url(nginx, "/ws/echo/"), origin=ORIGIN, ping_interval=None, open_timeout=10,
                           close_timeout=2) as ws:
            await ws.send("hello")
            got = await asyncio.wait_for(ws.recv(), 10)
    except InvalidStatus as refused:
        status = refused.response.status_code
        if status == 505:
            pytest.fail("the websockets server answered 505 HTTP Version Not Supported: nginx sent it the handshake "
                        "as HTTP/1.0, nginx's default towards an upstream. A handshake must be HTTP/1.1 (RFC 6455 "
                        "§4.1; a server MUST ignore Upgrade in HTTP/1.0, RFC 9110 §7.8): daphne happens to accept "
                        "it, other servers do not", pytrace=False)
        if status == 426:
            pytest.fail("the websockets server answered 426 Upgrade Required: it got no WebSocket handshake, so nginx "
                        "did not pass Upgrade: websocket and Connection: upgrade on", pytrace=False)
        pytest.fail(failed_handshake(status), pytrace=False)
    assert got == "hello", f"expected the websockets server's echo 'hello', got {got!r}"


async def whoami(nginx, headers=None, origin=ORIGIN):
    """What the consumer at /ws/whoami/ reports: its scope's client and the headers daphne received, and the
    client's own (address, port)."""
    async with through(nginx, "/ws/whoami/", origin=origin, headers=headers) as ws:
        seen = json.loads(await asyncio.wait_for(ws.recv(), 10))
        return seen, ws.local_address[:2]


async def test_daphne_sees_the_clients_own_address(nginx):
    """A client that forges X-Forwarded-For and X-Forwarded-Port: daphne's scope["client"] is still its real address and port"""
    seen, (address, port) = await whoami(nginx, FORGED)
    client, header = seen["client"], seen["headers"].get("x-forwarded-for")
    if client[0] == FORGED["X-Forwarded-For"]:
        how = (f"nginx appended the real address to the client's own header (daphne received {header!r} and believes "
               f"the first address): set X-Forwarded-For to $remote_addr instead of $proxy_add_x_forwarded_for"
               if header and "," in header else
               f"nginx passed on the client's own X-Forwarded-For ({header!r}): set it to $remote_addr")
        pytest.fail(f"daphne believed {client[0]}, the address the client forged: {how}", pytrace=False)
    if client[0] != address and header is None:
        pytest.fail(f"daphne saw {client[0]}, nginx's own address, not the client's {address}: nginx sent no "
                    f"X-Forwarded-For", pytrace=False)
    assert client[0] == address, f"expected daphne to see the client's address {address}, got {client[0]!r} " \
                                 f"(X-Forwarded-For reached daphne as {header!r})"
    if client[1] == int(FORGED["X-Forwarded-Port"]):
        pytest.fail(f"daphne believed port {client[1]}, the port the client forged: nginx passed on the client's own "
                    f"X-Forwarded-Port; set it to $remote_port", pytrace=False)
    assert client[1] == port, (f"expected daphne to see the client's port {port}, got {client[1]!r} "
                               f"(X-Forwarded-Port reached daphne as {seen['headers'].get('x-forwarded-port')!r})")


async def test_the_consumer_sees_the_browsers_host_and_origin(nginx):
    """The consumer sees the Host and Origin the browser sent, and a page from another site is refused (403)"""
    seen, _ = await whoami(nginx)
    host, origin = seen["headers"].get("host", ""), seen["headers"].get("origin")
    assert host.split(":")[0] == "127.0.0.1", (
        f"daphne received Host: {host!r}, not the name the browser asked for (127.0.0.1): nginx puts the "
        f"upstream's name in Host unless you pass the browser's on (Django's ALLOWED_HOSTS refuses that name)")
    assert origin == ORIGIN, f"daphne received Origin: {origin!r}, expected the page's {ORIGIN!r}"
    try:
        async with connect(ws_url(nginx, "/ws/whoami/"), origin="http://evil.example", ping_interval=None,
                           open_timeout=10, close_timeout=2):
            status = 101
    except InvalidStatus as refused:
        status = refused.response.status_code
    assert status == 403, f"a page from http://evil.example got {status}, expected 403 (refused by the origin check)"
