"""A second ASGI server: uvicorn on a free 127.0.0.1 port, always stopped.

    with run_uvicorn("lesson:echo") as server:
        print(server.ws_url("/"))

Like ``run_daphne()``, the subprocess imports the demo project and the notebook's lesson
modules (read once, at start). Unlike daphne, uvicorn runs the ASGI ``lifespan`` protocol
before it listens, so an app that never answers ``lifespan.startup`` keeps it from ever
listening: ``ready=`` names the log line to wait for (``"Waiting for application startup"``
to watch that happen), and leaving the block kills a uvicorn that does not stop by itself.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys

from .servers import DEMO_PROJECT, START_TIMEOUT, _running, _spawn, _wait_for, django_env

RUNNING = "Uvicorn running on"


@contextlib.contextmanager
def run_uvicorn(application: str, *, ready: str = RUNNING, timeout: float = START_TIMEOUT):
    """Serve ``"module:attribute"`` with uvicorn for the ``with`` block (``server.output`` holds its log)."""
    command = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", "0", application]
    server = _spawn("uvicorn", command, cwd=DEMO_PROJECT, env=django_env())
    listening = re.compile(rf"{RUNNING} http://[\d.]+:(\d+)")

    def is_ready(server) -> bool:
        if match := listening.search(server.output):
            server.port = int(match.group(1))
        return ready in server.output

    try:
        _wait_for(server, is_ready, timeout)
        yield server
    finally:
        if RUNNING in server.output:
            server.process.terminate()
            try:
                server.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.process.kill()
        else:  # stuck in lifespan start-up, where uvicorn ignores SIGTERM
            server.process.kill()
        server.process.wait(timeout=5)
        _running.discard(server.process)
