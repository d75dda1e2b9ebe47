"""ex04: ticker(scope, receive, send) pushes ticks over a WebSocket and answers HTTP with 426."""

import asyncio

import pytest
from channels.testing import HttpCommunicator, WebsocketCommunicator


@pytest.fixture(scope="module")
def ticker(submission):
    return submission("ex04_push.py").ticker


async def frames_until_close(ticker, path):
    """Connect, then collect what the app sends without us sending anything, until it closes."""
    client = WebsocketCommunicator(ticker, path)
    texts = []
    try:
        accepted, _ = await client.connect(timeout=1)
        assert accepted, "expected websocket.accept, got websocket.close"
        while True:
            event = await client.receive_output(timeout=1)
            if event["type"] == "websocket.close":
                await client.disconnect()
                return texts, event.get("code", 1000)
            texts.append(event.get("text"))
    except TimeoutError:
        pytest.fail(f"after {texts!r} expected {'more ticks or a close' if texts else 'websocket.accept and ticks'}, "
                    "got nothing within 1 s: push every tick at once, without waiting for the client, then close",
                    pytrace=False)
    except AssertionError:
        raise
    except Exception as error:  # noqa: BLE001 - the app crashed: say where
        pytest.fail(f"connecting to {path} your app raised {type(error).__name__}: {error}", pytrace=False)


async def test_pushes_three_ticks_by_default(ticker):
    """Without ?count it pushes "tick 1" to "tick 3" unasked, then closes with 1000"""
    texts, code = await frames_until_close(ticker, "/ticks/")
    assert texts == ["tick 1", "tick 2", "tick 3"], f"expected ['tick 1', 'tick 2', 'tick 3'], got {texts!r}"
    assert code == 1000, f"expected close code 1000, got {code!r}"


@pytest.mark.parametrize("query, count", [("count=1", 1), ("count=5", 5), ("room=lobby&count=2", 2),
                                          ("count=4&room=lobby", 4), ("room=lobby", 3)])
async def test_count_comes_from_the_query_string(ticker, query, count):
    """?count=N pushes exactly N ticks, whatever other parameters the query string holds"""
    texts, code = await frames_until_close(ticker, f"/ticks/?{query}")
    want = [f"tick {n}" for n in range(1, count + 1)]
    assert texts == want, f"for ?{query} expected {want!r}, got {texts!r}"


async def test_http_gets_426_upgrade_required(ticker):
    """A plain HTTP request gets 426 Upgrade Required, with upgrade: websocket and a body"""
    try:
        response = await HttpCommunicator(ticker, "GET", "/ticks/").get_response(timeout=1)
    except TimeoutError:
        pytest.fail("expected an HTTP response, got nothing within 1 s: does ticker() answer "
                    "scope[\"type\"] == \"http\"?", pytrace=False)
    assert response["status"] == 426, f"expected status 426, got {response['status']!r}"
    headers = {bytes(k).lower(): bytes(v) for k, v in response.get("headers", [])}
    assert headers.get(b"upgrade") == b"websocket", f"expected header upgrade: websocket, got {headers!r}"
    assert response["body"] == b"connect with a WebSocket", (
        f"expected body b'connect with a WebSocket', got {response['body']!r}")


async def test_a_lifespan_scope_is_refused(ticker):
    """A lifespan scope (uvicorn sends one first) is refused by raising, not waited on"""
    await frames_until_close(ticker, "/ticks/?count=1")  # it serves WebSockets, and ...
    inbox = [{"type": "lifespan.startup"}]

    async def receive():
        if inbox:
            return inbox.pop()
        return await asyncio.Event().wait()

    sent = []

    async def send(message):
        sent.append(message)

    try:
        await asyncio.wait_for(ticker({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send), 1)
    except TimeoutError:
        pytest.fail("given a lifespan scope your app waited on it: an app raises for a scope type it does "
                    "not support", pytrace=False)
    except Exception:  # noqa: BLE001 - raising is the answer asked for
        return
    if not any(m.get("type") == "lifespan.startup.complete" for m in sent):
        pytest.fail(f"given a lifespan scope expected your app to raise, but it returned after sending {sent!r}",
                    pytrace=False)
