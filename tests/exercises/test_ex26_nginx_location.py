"""ex26: HTTP_LINES and LOCATION, run in a real nginx in front of a real daphne, publish the chat under /chat/.

The learner's strings go into an ``http { }`` block (``HTTP_LINES`` first, then ``upstream daphne``
and a ``server`` holding ``LOCATION``), run by ``channels_lab.nginx.run_nginx``. The browser asks for
``/chat/...``; daphne's router knows the paths without the prefix (``/``, ``/ws/echo/``,
``/ws/whoami/``), and its answers say which path it saw (ex26_site.py). Upstream is
daphne serving tests/exercises/ex26_site.py with ``--proxy-headers --ping-interval 1``; a second
nginx runs the same block in front of ``StrictUpstream``, the ``websockets`` library's server,
which refuses a handshake sent as HTTP/1.0 with 505 (daphne accepts one: daphne/http_protocol.py:139).
"""

import asyncio
import contextlib
import http.client
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
LOCAL_ORIGIN = "http://localhost"  # a page of the site under its other name
PING_INTERVAL = 1  # daphne's --ping-interval; daphne looks for idle connections every 2 s (daphne/server.py:340)
# The longest silence an idle connection meets here, and so what proxy_read_timeout must outlast:
# daphne checks its connections every 2 s and pings those not pinged for more than --ping-interval
# (daphne/server.py:340, ws_protocol.py:36,294), so its silences reach up to 3 s, at a phase no test
# controls; the stricter server pings every STRICT_PING s from the handshake, to the millisecond, so a
# timeout below it fails in every run. The task says it pings a quarter of a second after daphne's 3 s;
# 3 s or less always fails, 3.5 s or more always passes, and a timeout within about 0.1 s of
# STRICT_PING would race the ping (3.2-3.3 s; 3400ms passes, rightly).
STRICT_PING = 3.25
IDLE = 3.7  # seconds each idle connection stays silent: longer than any silence between two pings
FORGED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Port": "4444"}
PREFIX = "/chat"  # where the site publishes the chat; daphne's router knows the paths without it
ECHO, WHOAMI = f"{PREFIX}/ws/echo/", f"{PREFIX}/ws/whoami/"

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


LEARNER = {}  # the learner's strings, for the messages (set_but_lost)


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
    LEARNER.update(found)
    return found


def levels_setting(header: str) -> set[str]:
    """Where the learner's LOCATION sets ``header``: "server" (outside every block) and/or "location"."""
    depth, found = 0, set()
    for line in LEARNER.get("LOCATION", "").splitlines():
        code = line.split("#", 1)[0]
        if re.match(rf"\s*proxy_set_header\s+{re.escape(header)}\s", code, re.IGNORECASE):
            found.add("server" if depth == 0 else "location")
        depth += code.count("{") - code.count("}")
    return found


def set_but_lost(header: str) -> str:
    """When the learner's blocks do set ``header`` and a request reached daphne without it: why."""
    levels = levels_setting(header)
    if "server" in levels:
        return (f". You set {header} for the server, but not for this request: a location inherits the server's "
                f"proxy_set_header lines only if it has none of its own")
    if levels:
        return (f". You set {header} in a location, but not in the one that took this request: each location "
                f"sends only its own proxy_set_header lines")
    return ""


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
    upstream = _site()["StrictUpstream"](ping_interval=STRICT_PING)
    try:
        with nginx_in_front_of(upstream.port, blocks) as server:
            yield server, upstream
    finally:
        upstream.close()


WHY = {
    404: (f"nginx answered 404 itself: none of your locations handed the request to daphne (one must match "
          f"{PREFIX}/ws/ and proxy_pass to the upstream daphne)"),
    426: ("daphne got a plain HTTP request, not a WebSocket handshake: nginx did not pass the client's Upgrade "
          "header on (Upgrade is hop-by-hop, so nginx drops it unless you set it)"),
    400: ("daphne refused the handshake as malformed: nginx sent it without Connection: upgrade (nginx sends "
          "Connection: close unless you set it)"),
    502: "nginx could not reach daphne: proxy_pass must name the upstream daphne (http://daphne)",
    403: "the origin check refused the page's own Origin http://127.0.0.1: did nginx pass Origin on unchanged?",
}


LOST_HEADER = {426: "Upgrade", 400: "Connection"}  # the header whose loss makes daphne answer so


def failed_handshake(status: int, nginx=None, public: str = "") -> str:
    why = looked_for_a_file(nginx, public) if status == 404 and nginx is not None else None
    why = why or WHY.get(status, "see what nginx or daphne answered")
    return f"the handshake came back {status}, not 101: {why}{set_but_lost(LOST_HEADER.get(status, '-'))}"


def looked_for_a_file(nginx, public: str) -> str | None:
    """nginx's 404 for ``public`` explained by the file its error log says it looked for (no location proxied it)."""
    for _ in range(10):  # the log line reaches nginx.output a moment after the answer
        found = re.findall(rf'/html(/[^"]*?)(?:index\.html)?" is not found .*request: "GET {re.escape(public)} ',
                           nginx.output)
        if found:
            break
        time.sleep(0.05)
    else:
        return None
    if found[-1] == public:
        return (f"nginx answered 404 itself: no proxy_pass took {public} (a location without one serves files), "
                f"so nginx looked for a file at that path instead of handing the request to daphne")
    return (f"nginx answered 404 itself: it looked for a file at {found[-1]}, not {public}: a rewrite changed the "
            f"path, then nginx searched its locations again for {found[-1]}, and none of yours matches it")


def lost(seen: str, public: str) -> str:
    """What to say when daphne's router saw ``seen`` for the public path ``public``."""
    known = public.removeprefix(PREFIX)
    if seen.startswith(f"{PREFIX}/"):
        return (f"daphne saw the path {seen}: the prefix {PREFIX} must be removed before daphne's router sees it "
                f"(it knows {known}); nginx passes the browser's path on unchanged unless told otherwise")
    return (f"daphne saw the path {seen} for the browser's {public}, and its router knows {known}: only the "
            f"prefix {PREFIX} may go, the rest of the path must reach daphne as the browser sent it")


async def reply(ws, public: str, what: str):
    """The next message on ``ws``; fails naming the path daphne saw if its router knew no route for it."""
    try:
        got = await asyncio.wait_for(ws.recv(), 10)
    except (ConnectionClosed, asyncio.TimeoutError) as error:
        pytest.fail(f"{what}, got no reply: {type(error).__name__}", pytrace=False)
    if type(got) is str and got.startswith('{"lost"'):
        pytest.fail(lost(json.loads(got)["lost"], public), pytrace=False)
    return got


def ws_url(nginx, path: str) -> str:
    if isinstance(nginx, str):
        pytest.fail(nginx, pytrace=False)
    return nginx.ws_url(path)


@contextlib.asynccontextmanager
async def through(nginx, path: str, origin: str = ORIGIN, headers=None, host: str = "127.0.0.1"):
    """A WebSocket to ``path`` through nginx, from CLIENT, with no pings of its own; fails naming a refused handshake.

    ``host`` is the name the client asks for (its Host header); it connects to nginx's 127.0.0.1 whatever it is."""
    url = ws_url(nginx, path).replace("//127.0.0.1:", f"//{host}:", 1)
    try:
        ws = await connect(url, origin=origin, additional_headers=headers or {}, ping_interval=None, open_timeout=10,
                           close_timeout=2, local_addr=(CLIENT, 0), host=nginx.host, port=nginx.port)
    except InvalidStatus as refused:
        pytest.fail(failed_handshake(refused.response.status_code, nginx, path), pytrace=False)
    except (OSError, asyncio.TimeoutError) as error:
        pytest.fail(f"the handshake through nginx did not complete: {type(error).__name__}: {error}", pytrace=False)
    try:
        yield ws
    finally:
        await ws.close()


def get_page(nginx, headers=None):
    """GET /chat/ through nginx from CLIENT: (status, the response's headers, body, the client's own (address, port))."""
    if isinstance(nginx, str):
        pytest.fail(nginx, pytrace=False)
    page = http.client.HTTPConnection(nginx.host, nginx.port, timeout=10, source_address=(CLIENT, 0))
    try:
        page.request("GET", f"{PREFIX}/", headers=headers or {})
        response = page.getresponse()
        return response.status, response.headers, response.read(), page.sock.getsockname()[:2]
    except OSError as error:
        pytest.fail(f"GET {PREFIX}/ through nginx did not complete: {type(error).__name__}: {error}", pytrace=False)
    finally:
        page.close()


def test_the_page_is_served_under_chat(nginx):
    """Through nginx, GET /chat/ gets the chat's page, which daphne serves at /"""
    status, headers, body, _ = get_page(nginx)
    seen = headers.get("X-Daphne-Path")
    if seen is None:
        pytest.fail(f"GET {PREFIX}/ came back {status} from nginx itself, not from daphne: the page under "
                    f"{PREFIX}/ must be handed to daphne too, not only the WebSockets", pytrace=False)
    assert seen == "/", (f"GET {PREFIX}/ got {status}: {lost(seen, f'{PREFIX}/')}" if seen.startswith(f"{PREFIX}/")
                         else f"GET {PREFIX}/ got {status}: daphne saw the path {seen}, where its page is at /")
    assert status == 200 and b"<h1>The chat</h1>" in body, f"GET {PREFIX}/ got {status} and {body[:80]!r}"


async def test_the_handshake_goes_through(nginx):
    """Through nginx, a WebSocket handshake to /chat/ws/echo/ succeeds (101 Switching Protocols)"""
    async with through(nginx, ECHO) as ws:
        status = ws.response.status_code
    assert status == 101, failed_handshake(status)


async def test_daphne_sees_the_path_without_the_prefix(nginx):
    """A WebSocket to /chat/ws/whoami/ reaches daphne's route /ws/whoami/: its consumer's scope["path"] is /ws/whoami/"""
    async with through(nginx, WHOAMI) as ws:
        got = await reply(ws, WHOAMI, "connected to the route /ws/whoami/")
    seen = json.loads(got)["path"]
    assert seen == "/ws/whoami/", lost(seen, WHOAMI)


async def test_messages_go_both_ways(nginx):
    """Through nginx, /chat/ws/echo/ sends back each message: one short, one of 100 kB"""
    async with through(nginx, ECHO) as ws:
        for sent in ("hello through nginx", "x" * 100_000):
            await ws.send(sent)
            got = await reply(ws, ECHO, f"sent {len(sent)} characters")
            assert type(got) is str and got == sent, f"sent {len(sent)} characters, got back {got!r:.80}"


async def idle_for(ws, opened: float) -> float | None:
    """Seconds after ``opened`` at which ``ws`` was closed, or None if it stayed open until IDLE had passed."""
    try:
        await asyncio.wait_for(ws.wait_closed(), max(0.0, opened + IDLE - time.monotonic()))
    except asyncio.TimeoutError:
        return None
    return time.monotonic() - opened


async def test_an_idle_connection_stays_open(nginx, strict):
    """Silent connections, one to daphne and one to the stricter server, stay open for 3.7 s while their servers ping them, and still echo"""
    async with contextlib.AsyncExitStack() as stack:
        sockets = {"daphne": await stack.enter_async_context(through(nginx, ECHO))}
        try:  # a refused handshake there is the stricter-server test's to report
            sockets["the stricter server"] = await stack.enter_async_context(
                connect(ws_url(strict[0], ECHO), origin=ORIGIN, ping_interval=None, open_timeout=10, close_timeout=2))
        except (InvalidStatus, OSError, asyncio.TimeoutError):
            pass
        opened = time.monotonic()
        waits = await asyncio.gather(*(idle_for(ws, opened) for ws in sockets.values()))
        closed = sorted((after, name, sockets[name].close_code) for after, name in zip(waits, sockets) if after)
        if closed:
            after, name, code = closed[0]
            pytest.fail(f"nginx closed the idle connection to {name} after {after:.1f} s of silence (close code {code}), "
                        f"before the server's next ping: proxy_read_timeout must outlast the longest silence between "
                        f"two pings with time to spare (daphne's pings, with --ping-interval "
                        f"{PING_INTERVAL}, come up to 3 s apart; the stricter server's every {STRICT_PING} s)",
                        pytrace=False)
        for name, ws in sockets.items():
            await ws.send("still there?")
            got = await reply(ws, ECHO, f"after the idle time, sent 'still there?' to {name}")
            assert got == "still there?", f"after the idle time, expected {name}'s echo 'still there?', got {got!r}"


async def test_a_stricter_server_gets_the_handshake_too(strict):
    """The same block in front of the websockets library's server, which wants the handshake in HTTP/1.1: 101 and an echo"""
    nginx, _ = strict
    try:
        async with connect(ws_url(nginx, ECHO), origin=ORIGIN, ping_interval=None, open_timeout=10,
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
                        f"did not pass Upgrade: websocket and Connection: upgrade on{set_but_lost('Upgrade')}",
                        pytrace=False)
        pytest.fail(failed_handshake(status, nginx, ECHO), pytrace=False)
    assert got == "hello", f"expected the websockets server's echo 'hello', got {got!r}"


async def whoami(nginx, headers=None, origin=ORIGIN, host="127.0.0.1"):
    """What the consumer at /ws/whoami/ reports (its scope's path and client, the headers daphne received) and
    the client's own (address, port)."""
    async with through(nginx, WHOAMI, origin=origin, headers=headers, host=host) as ws:
        seen = json.loads(await reply(ws, WHOAMI, "connected to the route /ws/whoami/"))
        return seen, ws.local_address[:2]


def check_client(what: str, client: list, received: dict, address: str, port: int, listening: int):
    """Fail naming the mistake unless daphne's client for ``what`` is the client's own (address, port).

    ``received`` holds X-Forwarded-For and X-Forwarded-Port as daphne received them (lower-case names)."""
    header = received.get("x-forwarded-for")
    if client[0] == FORGED["X-Forwarded-For"]:
        how = (f"nginx appended the real address to the client's own header (daphne received {header!r} and believes "
               f"the first address): set X-Forwarded-For to $remote_addr instead of $proxy_add_x_forwarded_for"
               if header and "," in header else
               f"nginx passed on the client's own X-Forwarded-For ({header!r}): set it to $remote_addr"
               f"{set_but_lost('X-Forwarded-For')}")
        pytest.fail(f"{what}: daphne believed {client[0]}, the address the client forged: {how}", pytrace=False)
    if client[0] != address and header is None:
        pytest.fail(f"{what}: daphne saw {client[0]}, nginx's own address, not the client's {address}: nginx sent no "
                    f"X-Forwarded-For{set_but_lost('X-Forwarded-For')}", pytrace=False)
    assert client[0] == address, (f"{what}: expected daphne to see the client's address {address}, got {client[0]!r} "
                                  f"(X-Forwarded-For reached daphne as {header!r})")
    forwarded_port = received.get("x-forwarded-port")
    if client[1] == int(FORGED["X-Forwarded-Port"]):
        pytest.fail(f"{what}: daphne believed port {client[1]}, the port the client forged: nginx passed on the "
                    f"client's own X-Forwarded-Port; set it to $remote_port{set_but_lost('X-Forwarded-Port')}", pytrace=False)
    if client[1] == listening and port != listening:
        pytest.fail(f"{what}: daphne saw port {client[1]}, the port nginx listens on: $server_port is the port the "
                    f"client connected to; the client's own port is $remote_port", pytrace=False)
    lost_port = set_but_lost("X-Forwarded-Port") if forwarded_port is None else ""
    assert client[1] == port, (f"{what}: expected daphne to see the client's port {port}, got {client[1]!r} "
                               f"(X-Forwarded-Port reached daphne as {forwarded_port!r}){lost_port}")


async def test_daphne_sees_the_clients_own_address(nginx):
    """A WebSocket from a client that forges X-Forwarded-For and X-Forwarded-Port: daphne's scope["client"] is still its real address and port"""
    seen, (address, port) = await whoami(nginx, FORGED)
    check_client(f"a WebSocket to {WHOAMI}", seen["client"], seen["headers"], address, port, nginx.port)


def test_the_page_sees_the_clients_own_address(nginx):
    """GET /chat/ from a client that forges X-Forwarded-For and X-Forwarded-Port: daphne's scope["client"] for the page is still its real address and port"""
    status, headers, _, (address, port) = get_page(nginx, FORGED)
    seen = headers.get("X-Daphne-Client")
    if seen is None:
        pytest.fail(f"GET {PREFIX}/ came back {status} from nginx itself, not from daphne", pytrace=False)
    client_address, _, client_port = seen.rpartition(":")
    received = {name: headers[f"X-Daphne-Received-{name}"] for name in ("X-Forwarded-For", "X-Forwarded-Port")
                if f"X-Daphne-Received-{name}" in headers}
    check_client(f"GET {PREFIX}/ (the page: daphne believes these headers for plain HTTP too)",
                 [client_address, int(client_port)], {k.lower(): v for k, v in received.items()}, address, port,
                 nginx.port)


async def test_the_consumer_sees_the_browsers_host_and_origin(nginx):
    """The consumer sees the host name and the Origin the browser sent (it asks for localhost), and a page from another site is refused (403)"""
    seen, _ = await whoami(nginx, origin=LOCAL_ORIGIN, host="localhost")
    host, origin = seen["headers"].get("host", ""), seen["headers"].get("origin")
    if host.split(":")[0] != "localhost":
        why = ("nginx puts the upstream's name in Host unless you pass the browser's on (Django's ALLOWED_HOSTS "
               "refuses that name)" if host.split(":")[0] == "daphne" else
               "a name written into the configuration is the same for every browser; pass on the one each asked for")
        pytest.fail(f"the browser asked for localhost:{nginx.port}, and daphne received Host: {host!r}: {why}"
                    f"{set_but_lost('Host')}", pytrace=False)
    assert origin == LOCAL_ORIGIN, f"daphne received Origin: {origin!r}, expected the page's {LOCAL_ORIGIN!r}"
    try:
        async with connect(ws_url(nginx, WHOAMI), origin="http://evil.example", ping_interval=None,
                           open_timeout=10, close_timeout=2):
            status = 101
    except InvalidStatus as refused:
        status = refused.response.status_code
    assert status == 403, f"a page from http://evil.example got {status}, expected 403 (refused by the origin check)"
