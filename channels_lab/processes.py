"""Run the demo project's ``manage.py`` as a subprocess: a background worker, or a one-off command.

    with run_worker(["shouter"], env={"REDIS_URL": redis.url}) as worker:
        ...  # messages sent to the channel "shouter" reach the worker

Both start in ``demo_project/`` with ``servers.django_env()``, so a notebook's lesson modules
(``DJANGO_SETTINGS_MODULE=settings_redis``, ``ASGI_APPLICATION = "lesson.application"``) import
there as they do in daphne. The worker is always stopped when the ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

from .servers import DEMO_PROJECT, _spawn, _wait_for, django_env

__all__ = ["manage", "run_worker", "run_workers"]


@contextlib.contextmanager
def run_worker(channels, *, env: dict[str, str] | None = None, timeout: float = 20.0):
    """``manage.py runworker CHANNEL...`` for the ``with`` block: yields the running Server, then stops it."""
    command = [sys.executable, "manage.py", "runworker", *channels]
    worker = _spawn("runworker", command, cwd=DEMO_PROJECT, env={**django_env(), **(env or {})})
    try:
        _wait_for(worker, lambda w: "Running worker for channels" in w.output, timeout)
        yield worker
    finally:
        worker.stop()


@contextlib.contextmanager
def run_workers(channels, envs, *, timeout: float = 60.0):
    """One ``runworker CHANNEL...`` per environment in ``envs``, started side by side; yields them, then stops all.

    Several Django processes starting at once on a busy machine can take a while each, hence the longer timeout.
    """
    command = [sys.executable, "manage.py", "runworker", *channels]
    workers = [_spawn("runworker", command, cwd=DEMO_PROJECT, env={**django_env(), **env}) for env in envs]
    try:
        for worker in workers:
            _wait_for(worker, lambda w: "Running worker for channels" in w.output, timeout)
        yield workers
    finally:
        for worker in workers:
            worker.stop()


def manage(*args: str, env: dict[str, str] | None = None, timeout: float = 30.0) -> str:
    """Run ``manage.py ARGS`` to completion and return what it printed (RuntimeError if it fails)."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=DEMO_PROJECT,
        env={**os.environ, **django_env(), **(env or {})},
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout
