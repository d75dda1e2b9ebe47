"""``manage.py runserver`` for one cell: the demo project's, on a free 127.0.0.1 port.

    with run_runserver("my_settings") as server:   # a %%lesson settings module, say
        ...  # server.url, server.ws_url("/echo/")

Which server answers depends on ``INSTALLED_APPS``: daphne's ASGI server when ``daphne``
comes before ``django.contrib.staticfiles``, Django's own WSGI server otherwise. It runs
with ``--noreload`` (no second, watching process) and an in-memory database.
"""

from __future__ import annotations

import contextlib
import sys

from .servers import accepts_connections, DEMO_PROJECT, START_TIMEOUT, Server, _spawn, _wait_for, django_env, free_port



@contextlib.contextmanager
def run_runserver(settings: str = "demo_project.settings", *, timeout: float = START_TIMEOUT):
    """Run ``manage.py runserver --noreload`` with ``settings`` for the ``with`` block; always stop it."""
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    server = _spawn("runserver", command, cwd=DEMO_PROJECT,
                    env=django_env(settings, DEMO_DATABASE=":memory:"))
    server.port = port
    try:
        _wait_for(server, accepts_connections, timeout)
        yield server
    finally:
        server.stop()
