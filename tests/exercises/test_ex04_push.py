"""ex04: ticker(scope, receive, send) pushes ticks over a WebSocket and answers HTTP with 426."""

import pytest
from channels.testing import HttpCommunicator, WebsocketCommunicator


@pytest.fixture(scope="module")
def ticker(submission):
    return submission("ex04_push.py").ticker


async def frames_until_close(ticker, path):
    """Connect, then collect what the app sends without us sending anything, until it closes."""
    client = WebsocketCommunicator(ticker, path)
    try:
        accepted, _ = await client.connect(timeout=1)
    except TimeoutError:
        pytest.fail("expected websocket.accept, got nothing within 1 s", pytrace=False)
    assert accepted, "expected websocket.accept, got websocket.close"
    texts = []
    while True:
        try:
            event = await client.receive_output(timeout=1)
        except TimeoutError:
            pytest.fail(f"after {texts!r} expected more ticks or a close, got nothing within 1 s", pytrace=False)
        if event["type"] == "websocket.close":
            await client.disconnect()
            return texts, event.get("code", 1000)
        texts.append(event.get("text"))


async def test_pushes_three_ticks_by_default(ticker):
    """Without ?count it pushes "tick 1" to "tick 3" unasked, then closes with 1000"""
    texts, code = await frames_until_close(ticker, "/ticks/")
    assert texts == ["tick 1", "tick 2", "tick 3"], f"expected ['tick 1', 'tick 2', 'tick 3'], got {texts!r}"
    assert code == 1000, f"expected close code 1000, got {code!r}"


@pytest.mark.parametrize("count", [1, 5])
async def test_count_comes_from_the_query_string(ticker, count):
    """?count=N pushes exactly N ticks"""
    texts, code = await frames_until_close(ticker, f"/ticks/?count={count}")
    want = [f"tick {n}" for n in range(1, count + 1)]
    assert texts == want, f"expected {want!r}, got {texts!r}"


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
