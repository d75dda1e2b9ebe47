"""Start real servers (daphne, redis-server) on 127.0.0.1 and always stop them.

    with run_daphne("demo_project.asgi:application") as server:
        print(server.ws_url("/ws/echo/"))

Every server gets a port nobody else holds (daphne binds port 0 and reports the
port it got; redis-server is retried on another port if its port was taken).
Leaving the ``with`` block stops the process; an ``atexit`` hook and, on Linux,
a parent-death signal stop it if the interpreter or kernel dies first.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_PROJECT = REPO_ROOT / "demo_project"
START_TIMEOUT = 20.0

_running: set[subprocess.Popen] = set()


class ServerFailedToStart(RuntimeError):
    """The server exited, or never said it was listening; the message carries its output."""


@dataclass
class Server:
    """A running server process: where it listens and what it has printed so far."""

    name: str
    process: subprocess.Popen
    host: str
    port: int
    scheme: str = "http"
    _output: deque = field(default_factory=lambda: deque(maxlen=5000), repr=False)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def origin(self) -> str:
        """The Origin header a page served by this server would send."""
        return self.url

    def ws_url(self, path: str = "/") -> str:
        return f"ws://{self.host}:{self.port}{path}"

    @property
    def output(self) -> str:
        """What the process has written to stdout and stderr (its last 5000 lines)."""
        return "".join(self._output)

    def stop(self) -> None:
        _stop(self.process)


if sys.platform.startswith("linux"):
    import ctypes

    _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl  # loaded here: the child must not load libraries
else:
    _prctl = None


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM it when the thread that started it ends."""
    if _prctl is not None:
        PR_SET_PDEATHSIG = 1
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    _running.discard(process)


@atexit.register
def _stop_all() -> None:
    for process in list(_running):
        _stop(process)


def _spawn(name: str, command: list[str], *, cwd: Path, env: dict | None) -> Server:
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_die_with_parent,
    )
    _running.add(process)
    server = Server(name, process, "127.0.0.1", 0)
    threading.Thread(target=_drain, args=(process, server._output), daemon=True).start()
    return server


def _drain(process: subprocess.Popen, sink: deque) -> None:
    for line in process.stdout:
        sink.append(line)


def _wait_for(server: Server, ready, timeout: float) -> None:
    """Poll ``ready(server)`` until true; raise with the server's output if it exits or stalls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready(server):
            return
        if server.process.poll() is not None:
            time.sleep(0.1)  # let the drain thread collect the last lines
            _stop(server.process)
            raise ServerFailedToStart(
                f"{server.name} exited with status {server.process.returncode} "
                f"before it was ready. Its output:\n{server.output}"
            )
        time.sleep(0.05)
    _stop(server.process)
    raise ServerFailedToStart(
        f"{server.name} was not ready after {timeout:.0f} s. Its output:\n{server.output}"
    )


def django_env(settings: str = "demo_project.settings", **extra: str) -> dict[str, str]:
    """Environment for a subprocess that imports the demo project, this package and the notebook's lessons."""
    from . import lesson

    lessons = lesson.active()
    paths = [str(lessons.folder) if lessons else "", str(DEMO_PROJECT), str(REPO_ROOT),
             os.environ.get("PYTHONPATH", "")]
    return {
        "DJANGO_SETTINGS_MODULE": settings,
        "PYTHONPATH": os.pathsep.join(p for p in paths if p),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@contextlib.contextmanager
def run_daphne(
    application: str = "demo_project.asgi:application",
    *,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    timeout: float = START_TIMEOUT,
    port: int = 0,
):
    """Serve an ASGI application with daphne on a free 127.0.0.1 port for the ``with`` block.

    ``application`` is ``"module:attribute"``; a module defined by ``%%lesson`` cells
    (``"lesson:application"``) is served as it is at each new connection (see
    ``channels_lab.lesson``). ``env`` adds environment variables (for example
    ``REDIS_URL``); ``args`` adds daphne options such as ``("--websocket_timeout", "5")``;
    ``port`` asks for a given port instead of a free one (to restart a server where its
    clients expect it).
    """
    from . import lesson

    served, live = application, {}
    lessons = lesson.active()
    if lessons and lessons.serves(application):
        served = "channels_lab.live:application"
        live = {"CHANNELS_LAB_LIVE_APP": application, "CHANNELS_LAB_LIVE_DIR": str(lessons.folder)}
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), *args, served]
    server = _spawn("daphne", command, cwd=DEMO_PROJECT, env={**django_env(), **live, **(env or {})})
    listening = re.compile(r"Listening on TCP address [\d.]+:(\d+)")

    def ready(server: Server) -> bool:
        match = listening.search(server.output)
        if match:
            server.port = int(match.group(1))
        return bool(match)

    try:
        _wait_for(server, ready, timeout)
        yield server
    finally:
        server.stop()


def accepts_connections(server: Server) -> bool:
    """True once something accepts TCP connections on ``server``'s host and port."""
    try:
        with socket.create_connection((server.host, server.port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REDIS_SERVER_ENV = "CHANNELS_LAB_REDIS_SERVER"


def redis_server_path() -> str | None:
    """The redis-server every notebook, test and benchmark starts, or None if there is none here.

    ``CHANNELS_LAB_REDIS_SERVER`` decides when it is set: a path (or a command on PATH) to use,
    or, if it is empty or names nothing runnable, "no redis-server here" (how a test hides it).
    Otherwise ``redis-server`` on PATH.
    """
    if (chosen := os.environ.get(REDIS_SERVER_ENV)) is not None:
        return shutil.which(chosen) if chosen else None
    return shutil.which("redis-server")


def _answers_ping(server: Server) -> bool:
    try:
        with socket.create_connection((server.host, server.port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def run_redis(*, timeout: float = START_TIMEOUT, attempts: int = 3, port: int = 0):
    """Run a throw-away redis-server (no persistence) on a free 127.0.0.1 port.

    ``server.url`` (``redis://127.0.0.1:PORT``) is what a channel layer's ``hosts`` takes;
    ``port`` asks for a given port instead (to restart a server where its clients expect it).
    """
    executable = redis_server_path()
    if executable is None:
        raise ServerFailedToStart("redis-server is not installed (Debian: apt-get install redis-server)")
    chosen = port
    for attempt in range(attempts):
        port = chosen or free_port()
        command = [executable, "--port", str(port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--protected-mode", "yes"]
        server = _spawn("redis-server", command, cwd=REPO_ROOT, env=None)
        server.port, server.scheme = port, "redis"
        try:
            _wait_for(server, _answers_ping, timeout)
            break
        except ServerFailedToStart:
            if chosen or "Address already in use" not in server.output or attempt == attempts - 1:
                raise
    try:
        yield server
    finally:
        server.stop()
