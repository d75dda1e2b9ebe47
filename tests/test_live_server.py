"""The demo's whole application over real TCP: daphne in a subprocess, real clients."""

import base64
import hashlib
import json
import socket
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

RFC_6455_SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
RFC_6455_SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def raw_handshake(server, path, key, origin):
    """Send an HTTP Upgrade request over a plain socket; return the response head as text."""
    request = (
        f"GET {path} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = sock.recv(4096)
            if not chunk:
                break
            response += chunk
    return response.split(b"\r\n\r\n")[0].decode()


def test_rfc_6455_sample_key_is_answered_with_the_rfc_accept_value(demo_server):
    head = raw_handshake(demo_server, "/ws/echo/", RFC_6455_SAMPLE_KEY, demo_server.origin)
    lines = head.split("\r\n")
    assert lines[0].startswith("HTTP/1.1 101"), head
    headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines[1:])}
    assert headers["sec-websocket-accept"] == RFC_6455_SAMPLE_ACCEPT
    assert headers["upgrade"].lower() == "websocket"


def test_rfc_accept_value_is_sha1_of_key_and_guid():
    guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    digest = hashlib.sha1((RFC_6455_SAMPLE_KEY + guid).encode()).digest()
    assert base64.b64encode(digest).decode() == RFC_6455_SAMPLE_ACCEPT


async def test_echo_over_daphne(demo_server):
    async with connect(demo_server.ws_url("/ws/echo/"), origin=demo_server.origin) as ws:
        await ws.send("over the wire")
        assert await ws.recv() == "over the wire"


async def test_group_over_daphne_reaches_both_clients(demo_server):
    url, origin = demo_server.ws_url("/ws/group/"), demo_server.origin
    async with connect(url, origin=origin) as alice, connect(url, origin=origin) as bob:
        await alice.send("to everyone")
        assert await alice.recv() == "to everyone"
        assert await bob.recv() == "to everyone"


async def test_room_and_commands_over_daphne(demo_server):
    origin = demo_server.origin
    async with connect(demo_server.ws_url("/ws/rooms/lobby/"), origin=origin) as ws:
        await ws.send(json.dumps({"message": "hello"}))
        assert json.loads(await ws.recv()) == {"type": "message", "user": "anonymous", "message": "hello"}
    async with connect(demo_server.ws_url("/ws/commands/"), origin=origin) as ws:
        await ws.send("{broken")
        assert json.loads(await ws.recv())["error"].startswith("malformed JSON")
        await ws.send(json.dumps({"action": "ping"}))
        assert json.loads(await ws.recv()) == {"action": "pong"}


def test_chat_page_is_served_and_uses_the_websocket_api(demo_server):
    with urllib.request.urlopen(demo_server.url + "/", timeout=5) as response:
        page = response.read().decode()
    assert response.status == 200
    assert "new WebSocket(url)" in page and "/ws/rooms/" in page


@pytest.mark.parametrize("origin", [None, "http://evil.example"], ids=["no-origin", "foreign-origin"])
async def test_foreign_or_missing_origin_is_refused_with_403(demo_server, origin):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(demo_server.ws_url("/ws/echo/"), origin=origin):
            pass
    assert refused.value.response.status_code == 403


def test_raw_handshake_from_a_foreign_origin_gets_403(demo_server):
    head = raw_handshake(demo_server, "/ws/echo/", RFC_6455_SAMPLE_KEY, "http://evil.example")
    assert head.startswith("HTTP/1.1 403"), head


async def test_localhost_origin_is_accepted_too(demo_server):
    async with connect(demo_server.ws_url("/ws/echo/"), origin=f"http://localhost:{demo_server.port}") as ws:
        await ws.send("ok")
        assert await ws.recv() == "ok"
