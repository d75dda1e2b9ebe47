"""ex23: daphne_command(application, ...) -> the argv that starts daphne for production."""

import asyncio
import contextlib
import json
import sys

import pytest
from daphne.cli import CommandLineInterface
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from channels_lab import lesson
from channels_lab.servers import DEMO_PROJECT, Server, ServerFailedToStart, _spawn, _wait_for, django_env

APP = "lesson:application"  # notebook 12's /echo/ and /whoami/, built from its %%lesson cells
PROXY = {"X-Forwarded-For": "203.0.113.9"}


_built = []  # notebook 12's lessons, built on first use (reading a notebook costs a second: not for a stub)


def notebook_lesson():
    """Notebook 12's lesson module, put on the path of every daphne started after it (django_env)."""
    if not _built:
        _built.append(lesson.from_notebook("12"))
    return _built[0]


@pytest.fixture(scope="module", autouse=True)
def remove_notebook_lesson():
    yield
    while _built:
        _built.pop().remove()
        lesson.use(None)


@pytest.fixture(scope="module")
def daphne_command(submission):
    return submission("ex23_daphne_command.py").daphne_command


def parsed(argv):
    """What daphne's own argument parser makes of ``argv`` (without the leading "daphne")."""
    if type(argv) is not list:
        pytest.fail(f"expected a list, got {type(argv).__name__}: {argv!r}", pytrace=False)
    not_str = [item for item in argv if type(item) is not str]
    if not_str:
        pytest.fail(f"expected every item of the command to be a str (subprocess.run() and daphne read "
                    f"strings), got {', '.join(f'{item!r} ({type(item).__name__})' for item in not_str)}",
                    pytrace=False)
    try:
        return CommandLineInterface().parser.parse_args(argv[1:])
    except SystemExit:
        pytest.fail(f"daphne refuses this command line: {argv!r} (run it in a terminal to see why)", pytrace=False)


@contextlib.contextmanager
def started(argv):
    """Run ``argv`` (with ``python -m`` in front) and wait until daphne listens."""
    if not argv or argv[0] != "daphne":
        pytest.fail(f"expected a list starting with 'daphne', got {argv!r}", pytrace=False)
    parsed(argv)
    notebook_lesson()
    server = _spawn("daphne", [sys.executable, "-m", *argv], cwd=DEMO_PROJECT, env=django_env())

    def ready(server: Server) -> bool:
        return "Listening on TCP address" in server.output

    try:
        _wait_for(server, ready, 20)
    except ServerFailedToStart as error:
        pytest.fail(f"daphne did not start with {argv!r}: {error}", pytrace=False)
    try:
        server.port = int(server.output.split("Listening on TCP address ")[1].split()[0].rsplit(":", 1)[1])
        yield server
    finally:
        server.stop()


def test_starts_with_daphne_and_sets_every_option(daphne_command):
    """Daphne's own parser reads your command as: bind, port, message limit, pings, application"""
    argv = daphne_command("demo_project.asgi:application", host="0.0.0.0", port=8123,
                          max_message_bytes=4096, ping_interval=7, ping_timeout=9)
    assert type(argv) is list and argv and argv[0] == "daphne", f"expected ['daphne', ...], got {argv!r}"
    args = parsed(argv)
    read = {  # what daphne's parser made of each option: (got, wanted)
        "bind address": (args.host, "0.0.0.0"),
        "port": (args.port, 8123),
        "message size limit": (args.websocket_max_message_size, 4096),
        "ping interval": (args.ping_interval, 7),
        "ping timeout": (args.ping_timeout, 9),
        "application": (args.application, "demo_project.asgi:application"),
    }
    wrong = [f"{name} {got!r} (expected {want!r})" for name, (got, want) in read.items() if got != want]
    assert not wrong, f"daphne reads your command as: {'; '.join(wrong)}; command: {argv!r}"


def test_proxy_headers_only_when_behind_a_proxy(daphne_command):
    """--proxy-headers is on with behind_proxy=True and off without it"""
    behind = parsed(daphne_command(APP, behind_proxy=True)).proxy_headers
    direct = parsed(daphne_command(APP)).proxy_headers
    assert (behind, direct) == (True, False), f"expected proxy headers (behind, direct) (True, False), got {(behind, direct)!r}"


async def test_a_message_over_the_limit_is_refused(daphne_command):
    """A live daphne started with your command echoes 900 bytes and drops the connection on 2000 (limit 1000)"""
    with started(daphne_command(APP, port=0, max_message_bytes=1000)) as server:
        async with connect(server.ws_url("/echo/"), open_timeout=10, max_size=None, close_timeout=2) as ws:
            await ws.send("a" * 900)
            echoed = await ws.recv()
            assert echoed == "a" * 900, f"expected the 900 bytes back, got {len(echoed)} bytes"
            await ws.send("b" * 2000)
            try:
                reply = await asyncio.wait_for(ws.recv(), 10)
            except ConnectionClosed:
                reply = None
        assert reply is None, f"expected the connection dropped (close code 1006), got {len(reply)} bytes echoed"
        assert ws.close_code == 1006, f"expected close code 1006 (connection dropped), got {ws.close_code!r}"


async def test_behind_a_proxy_the_client_is_the_forwarded_address(daphne_command):
    """Behind a proxy, the consumer sees the client address from X-Forwarded-For"""
    with started(daphne_command(APP, port=0, behind_proxy=True)) as server:
        async with connect(server.ws_url("/whoami/"), additional_headers=PROXY, open_timeout=10) as ws:
            seen = json.loads(await ws.recv())
    got = seen["client"][0]
    assert got == "203.0.113.9", f"expected '203.0.113.9', got {got!r}"


async def test_without_a_proxy_forwarded_headers_are_not_believed(daphne_command):
    """Facing clients directly, a forged X-Forwarded-For is ignored: the client is 127.0.0.1"""
    with started(daphne_command(APP, port=0)) as server:
        async with connect(server.ws_url("/whoami/"), additional_headers=PROXY, open_timeout=10) as ws:
            seen = json.loads(await ws.recv())
    got = seen["client"][0]
    assert got == "127.0.0.1", f"expected '127.0.0.1', got {got!r}"
