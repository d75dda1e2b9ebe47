"""Notebook 07: the extra processes a channel layer connects (a background worker, a command).

    with run_worker(["shouter"], env={"REDIS_URL": redis.url}) as worker:
        ...  # messages sent to channel "shouter" reach chat.consumers.ShoutWorker

Both run ``manage.py`` of the demo project in a subprocess, the way you would in a terminal.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys

from channels_lab.servers import DEMO_PROJECT, _spawn, _wait_for, django_env


@contextlib.contextmanager
def run_worker(channels, *, env=None, timeout=20.0):
    """``manage.py runworker CHANNEL...`` for the ``with`` block; stopped when it ends."""
    command = [sys.executable, "manage.py", "runworker", *channels]
    worker = _spawn("runworker", command, cwd=DEMO_PROJECT, env={**django_env(), **(env or {})})
    try:
        _wait_for(worker, lambda w: "Running worker for channels" in w.output, timeout)
        yield worker
    finally:
        worker.stop()


def manage(*args, env=None, timeout=30.0) -> str:
    """Run ``manage.py ARGS`` to completion and return what it printed (raises if it fails)."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=DEMO_PROJECT, env={**_environ(), **django_env(), **(env or {})},
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)
