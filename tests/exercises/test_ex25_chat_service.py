"""ex25 (capstone): the learner's chat service, served by two daphnes on Redis, used from two Chromium pages and Python."""

import asyncio
import contextlib
import json
import os

import pytest
import pytest_asyncio
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from channels_lab.accounts import log_in
from channels_lab.capstone import USERS, reason, serve_chat_service
from channels_lab.browser import chromium
from channels_lab.course import EXERCISES_DIR
from channels_lab.grading import SUBMISSION_ENV
from channels_lab.servers import ServerFailedToStart
from channels_lab.testing import require_chromium, require_redis

pytestmark = pytest.mark.asyncio(loop_scope="module")
WAIT = 3_000  # milliseconds a page may take to show a line


@pytest.fixture(scope="module")
def servers():
    """Two daphnes serving the learner's module, sharing one redis-server and one user database."""
    require_redis()
    require_chromium()
    folder = os.environ.get(SUBMISSION_ENV, str(EXERCISES_DIR))
    with contextlib.ExitStack() as stack:
        try:
            started, _, redis = stack.enter_context(serve_chat_service(folder))
        except ServerFailedToStart as error:
            pytest.fail(f"daphne could not serve your module: {reason(error)}", pytrace=False)
        started[0].redis_url = redis.url
        yield started


@pytest.fixture(scope="module")
def sessions(servers):
    """Each user's session cookie value, from logging in through the first daphne."""
    jars = {name: log_in(servers[0].url, name, password) for name, password in USERS.items()}
    return {name: next(c.value for c in jar if c.name == "sessionid") for name, jar in jars.items()}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser():
    require_chromium()
    async with chromium() as browser:
        yield browser


@contextlib.asynccontextmanager
async def page_of(browser, server, room, user=None, sessions=None):
    """A page of ``room`` served by ``server``, logged in as ``user`` (anonymous when None)."""
    context = await browser.new_context()
    try:
        if user:
            await context.add_cookies([{"name": "sessionid", "value": sessions[user], "url": server.url}])
        page = await context.new_page()
        await page.goto(f"{server.url}/room/{room}/")
        yield page
    finally:
        await context.close()


async def lines(page, selector="#log li"):
    return await page.locator(selector).all_inner_texts()


async def wait_for_line(page, text, what, hint=""):
    try:
        await page.wait_for_function(
            "text => [...document.querySelectorAll('#log li')].some(li => li.textContent === text)",
            arg=text, timeout=WAIT)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: say what the page showed
        pytest.fail(f"{what}: expected the line {text!r}, the page shows {await lines(page)!r}{hint}", pytrace=False)


async def say(page, text):
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def wait_until_joined(page, server, room, sessions, user):
    """Make sure ``page``'s socket has joined: a Python client of the same user speaks until the page hears it."""
    async with python_client(server, room, sessions, user) as client:
        for attempt in range(15):
            await client.send(json.dumps({"message": f"ping {attempt}"}))
            with contextlib.suppress(Exception):
                await page.wait_for_function(
                    "text => [...document.querySelectorAll('#log li')].some(li => li.textContent.endsWith(text))",
                    arg=f"ping {attempt}", timeout=200)
                return
        pytest.fail(f"the page of room {room} never showed a message sent to the room; it shows "
                    f"{await lines(page)!r}", pytrace=False)


@contextlib.asynccontextmanager
async def python_client(server, room, sessions, user, origin=None):
    headers = {"Origin": origin or server.origin}
    if user:
        headers["Cookie"] = f"sessionid={sessions[user]}"
    async with connect(server.ws_url(f"/ws/chat/{room}/"), additional_headers=headers, open_timeout=5) as client:
        try:
            yield client
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else "no close frame"
            pytest.fail(f"the server closed {user or 'an anonymous user'}'s socket ({code}): a logged-in user "
                        "should stay connected (are the routes inside the session/auth middleware?)", pytrace=False)


async def next_json(client):
    try:
        return json.loads(await asyncio.wait_for(client.recv(), WAIT / 1000))
    except TimeoutError:
        pytest.fail("the Python client got no answer within 5 s", pytrace=False)


async def test_two_pages_on_two_daphnes_chat(browser, servers, sessions):
    """Two logged-in pages, on two daphnes sharing Redis, both show a message typed in one of them"""
    async with page_of(browser, servers[0], "lobby", "ada", sessions) as ada, \
               page_of(browser, servers[1], "lobby", "grace", sessions) as grace:
        await wait_until_joined(ada, servers[0], "lobby", sessions, "ada")
        await wait_until_joined(grace, servers[1], "lobby", sessions, "grace")
        await say(ada, "hello from ada")
        await wait_for_line(ada, "ada: hello from ada", "ada's own page (the sender is a member too)")
        await wait_for_line(grace, "ada: hello from ada", "grace's page on the other daphne")
        assert await ada.input_value("#text") == "", "expected the input to be cleared after sending"


async def test_a_python_client_reaches_the_pages(browser, servers, sessions):
    """A logged-in Python client's message appears on the page as 'user: message'"""
    async with page_of(browser, servers[0], "kitchen", "ada", sessions) as ada:
        await wait_until_joined(ada, servers[0], "kitchen", sessions, "ada")
        async with python_client(servers[1], "kitchen", sessions, "grace") as grace:
            await grace.send(json.dumps({"message": "kettle's on"}))
            got = await next_json(grace)
            assert got == {"type": "message", "user": "grace", "message": "kettle's on"}, \
                f"expected the sender to get its own message back as the room sees it, got {got}"
        await wait_for_line(ada, "grace: kettle's on", "ada's page")


async def test_network_text_is_shown_as_text(browser, servers, sessions):
    """A message holding HTML is shown as text: no element is created from it"""
    attack = '<img src="x" onerror="document.title=\'pwned\'"><b>bold</b>'
    async with page_of(browser, servers[0], "xss", "ada", sessions) as ada:
        await wait_until_joined(ada, servers[0], "xss", sessions, "ada")
        async with python_client(servers[0], "xss", sessions, "grace") as grace:
            await grace.send(json.dumps({"message": attack}))
        await wait_for_line(ada, f"grace: {attack}", "ada's page, with the HTML shown as text",
                            hint=" (put network text on the page with textContent, never innerHTML)")
        made = await ada.locator("#log img, #log b").count()
        assert made == 0 and await ada.title() != "pwned", (
            "the page turned a message into HTML elements: set textContent, never innerHTML, with text from "
            "the network")


async def test_an_https_page_dials_wss(browser, servers):
    """A page served over https: opens its socket with wss: to its own host and port"""
    # Chromium is told the page came from an https: origin (Playwright answers that request with the page
    # daphne serves), so the script runs in a secure context and meets Chromium's own mixed-content rule.
    # The wss: socket itself goes nowhere: only the URL the script dialled is judged.
    origin, room = "https://chat.example:8443", "lobby"
    page_url, want = f"{origin}/room/{room}/", f"wss://chat.example:8443/ws/chat/{room}/"
    dialled, errors, happened = [], [], asyncio.Event()

    def record(found, what):
        found.append(what)
        happened.set()

    async def serve_from_daphne(route):
        await route.fulfill(response=await route.fetch(url=f"{servers[0].url}/room/{room}/"))

    context = await browser.new_context()
    try:
        page = await context.new_page()
        page.on("websocket", lambda socket: record(dialled, socket.url))
        page.on("pageerror", lambda error: record(errors, str(error).strip()))
        await page.route(page_url, serve_from_daphne)
        await page.goto(page_url)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(happened.wait(), WAIT / 1000)
    finally:
        await context.close()
    if not dialled:
        said = f"; Chromium said {errors[0]!r}" if errors else ""
        pytest.fail(f"the page served at {page_url} opened no WebSocket{said}: an https: page must dial wss: "
                    "(take the scheme from location.protocol)", pytrace=False)
    assert dialled[0] == want, (f"the page served at {page_url} dialled {dialled[0]}: expected {want} (wss: for "
                                "an https: page, on the page's own host and port)")


async def test_rooms_are_apart(browser, servers, sessions):
    """A page in another room shows nothing of this room's messages"""
    async with page_of(browser, servers[0], "attic", "ada", sessions) as attic:
        await wait_until_joined(attic, servers[0], "attic", sessions, "ada")
        async with python_client(servers[1], "cellar", sessions, "grace") as grace:
            await grace.send(json.dumps({"message": "down here"}))
            await next_json(grace)
        await asyncio.sleep(0.5)
        seen = [line for line in await lines(attic) if "down here" in line]
        assert not seen, f"a page in room attic showed room cellar's message: {seen}"


async def test_an_anonymous_page_is_told_and_closed_with_4401(browser, servers, sessions):
    """An anonymous page is told why and sees its socket closed with 4401"""
    async with page_of(browser, servers[0], "lobby") as anonymous:
        await wait_for_line(anonymous, "closed 4401", "an anonymous page")
        errors = await lines(anonymous, "#log li.error")
        assert errors, "expected the anonymous page to show an error line (li.error) saying why, before the close"


async def test_bad_input_gets_an_error_and_the_connection_stays_open(servers, sessions):
    """Binary frames, bad JSON, non-objects and bad messages get {"type": "error"} and the connection serves on"""
    bad = [b"\x00\x01", "not json", "[1, 2]", "null", '{"text": "hi"}', '{"message": ""}', '{"message": "   "}',
           '{"message": 42}', json.dumps({"message": "x" * 501})]
    async with python_client(servers[0], "errors", sessions, "ada") as ada:
        for frame in bad:
            await ada.send(frame)
            got = await next_json(ada)
            assert type(got) is dict and got.get("type") == "error" and type(got.get("error")) is str, (
                f"after {frame!r:.40} expected {{'type': 'error', 'error': ...}}, got {got}")
        await ada.send(json.dumps({"message": "x" * 500}))
        got = await next_json(ada)
        assert got.get("type") == "message", f"a 500-character message is allowed: expected it back, got {got}"


async def test_a_foreign_origin_is_refused(servers, sessions):
    """A page from a foreign origin is refused at the handshake, even with a logged-in cookie"""
    try:
        async with python_client(servers[0], "lobby", sessions, "ada", origin="http://evil.example"):
            pass
    except InvalidStatus as refused:
        status = refused.response.status_code
        assert status == 403, f"expected HTTP 403 for Origin http://evil.example, got {status}"
    else:
        pytest.fail("a socket from Origin http://evil.example was accepted: expected HTTP 403 from an origin "
                    "check around the whole stack", pytrace=False)


async def test_the_event_is_built_by_the_consumer(servers, sessions):
    """A client cannot steer the event: extra fields (its own "user", "type") are not passed on"""
    async with python_client(servers[0], "steer", sessions, "grace") as grace, \
               python_client(servers[1], "steer", sessions, "ada") as ada:
        await ada.send(json.dumps({"message": "ready?"}))
        await next_json(grace), await next_json(ada)
        await ada.send(json.dumps({"message": "I am grace", "user": "grace", "type": "chat.message", "admin": True}))
        got = await next_json(grace)
        want = {"type": "message", "user": "ada", "message": "I am grace"}
        assert got == want, (f"grace got {got} from ada's message with extra fields; expected {want}: build the "
                             "group event yourself from the checked text and the sender's username")


async def test_an_error_goes_to_the_sender_alone(servers, sessions):
    """A bad message's error goes to its sender only; the others hear nothing of it"""
    async with python_client(servers[0], "quiet", sessions, "grace") as grace, \
               python_client(servers[0], "quiet", sessions, "ada") as ada:
        await ada.send(json.dumps({"message": "hi"}))
        await next_json(grace), await next_json(ada)
        await ada.send("not json")
        got = await next_json(ada)
        assert got.get("type") == "error", f"expected ada to get an error, got {got}"
        await ada.send(json.dumps({"message": "after"}))
        got = await next_json(grace)
        assert got == {"type": "message", "user": "ada", "message": "after"}, (
            f"grace got {got} where the next message was 'after': an error is for the sender alone")


async def test_a_member_that_leaves_leaves_the_group(servers, sessions):
    """When every member has disconnected, the room's group in Redis is empty"""
    import redis.asyncio as redis_py

    async with python_client(servers[0], "leaving", sessions, "ada") as ada:
        await ada.send(json.dumps({"message": "bye"}))
        await next_json(ada)
    client = redis_py.Redis.from_url(servers[0].redis_url)
    try:
        for _ in range(30):
            members = await client.zcard("asgi:group:chat.leaving")
            if members == 0:
                return
            await asyncio.sleep(0.1)
    finally:
        await client.aclose()
    pytest.fail(f"the group chat.leaving still holds {members} channel(s) after its only member left: "
                "leave the group in disconnect()", pytrace=False)
