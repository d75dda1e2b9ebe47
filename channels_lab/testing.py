"""Test helpers: skip when a service is missing on a learner's machine, fail when it is missing in CI.

Where each service is comes from one function: ``servers.redis_server_path()`` and
``browser.chromium_path()`` and ``nginx.nginx_path()``. Their environment variables,
``CHANNELS_LAB_REDIS_SERVER``, ``CHANNELS_LAB_CHROMIUM`` and ``CHANNELS_LAB_NGINX``, point at
another install, or hide the service when set to ``""``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from .browser import CHROMIUM_ENV, chromium_path
from .nginx import NGINX_ENV, nginx_path
from .servers import REDIS_SERVER_ENV, redis_server_path

# The Origin header a browser sends for a page served from the demo's allowed host.
DEMO_ORIGIN = (b"origin", b"http://127.0.0.1")


@dataclass(frozen=True)
class Service:
    """A program some notebooks and tests need, and how a learner gets it."""

    name: str
    path: Callable[[], str | None]
    env: str
    install: str


# Keyed by the names course.toml's `needs` uses.
SERVICES = {
    "redis": Service("redis-server", redis_server_path, REDIS_SERVER_ENV,
                     "Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis"),
    "chromium": Service("Chromium", chromium_path, CHROMIUM_ENV,
                        "Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium"),
    "nginx": Service("nginx", nginx_path, NGINX_ENV,
                     "Debian/Ubuntu: apt-get install nginx; macOS: brew install nginx"),
}


def missing(service: str) -> str | None:
    """Why ``service`` ("redis", "chromium" or "nginx") cannot run here, or None when it can."""
    found = SERVICES[service]
    if found.path() is not None:
        return None
    how = f"{found.install}; or set {found.env} to its path"
    chosen = os.environ.get(found.env)
    if chosen is None:
        return f"{found.name} is not installed ({how})"
    return f"{found.name} is hidden: {found.env}={chosen!r} names no program ({how})"


def in_ci() -> bool:
    """True when the CI environment variable is set (as .ci/run's caller does)."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason`` on a learner's machine; in CI a missing service is a failure."""
    import pytest

    if in_ci():
        pytest.fail(f"{reason} (CI must install it: see .ci/run)", pytrace=False)
    pytest.skip(reason)


def require(service: str) -> None:
    """Skip (or, in CI, fail) the calling test unless ``service`` can run here."""
    if reason := missing(service):
        skip_or_fail(reason)


def require_redis() -> None:
    require("redis")


def require_chromium() -> None:
    require("chromium")


def require_nginx() -> None:
    require("nginx")


async def logged(server, text: str, before: int = 0, timeout: float = 5.0) -> bool:
    """Whether ``text`` appears in ``server.output`` more than ``before`` times within ``timeout`` seconds.

    A server logs a moment after the client has seen the effect (daphne's traceback after its close)."""
    import asyncio

    for _ in range(int(timeout / 0.05)):
        if server.output.count(text) > before:
            return True
        await asyncio.sleep(0.05)
    return server.output.count(text) > before


def fail_fast_communicators() -> None:
    """Make asgiref's test communicators report a crashed application at once.

    ``ApplicationCommunicator.receive_output(timeout)`` notices that the application raised only
    when its timeout runs out, and then raises that exception (asgiref/testing.py:99-120);
    ``receive_nothing(timeout)`` polls to its end even when the application has already died
    (:122-136). These replacements are asgiref's own code with one change: they stop waiting
    the moment the application raises (or is cancelled) with nothing left in the queue, and
    answer what asgiref's would have at the end of the wait: the same exception, the same
    ``True``. A message sent before the crash is still received, and an application that returns
    normally is waited for as before. Called by tests/conftest.py.
    """
    import asyncio
    import time

    from asgiref.testing import ApplicationCommunicator

    if getattr(ApplicationCommunicator, "_fails_fast", False):
        return
    guarded = getattr(ApplicationCommunicator.receive_output, "checked", False)

    def crashed(future) -> bool:
        return future.done() and (future.cancelled() or future.exception() is not None)

    async def receive_output(self, timeout=1):
        if self.future.done():
            self.future.result()
        getting = asyncio.ensure_future(self.output_queue.get())
        try:
            async with asyncio.timeout(timeout):
                await asyncio.wait([getting, self.future], return_when=asyncio.FIRST_COMPLETED)
                if not getting.done() and not (crashed(self.future) and self.output_queue.empty()):
                    await asyncio.wait([getting])  # it returned normally, or a message is queued: as asgiref
        except TimeoutError as e:
            getting.cancel()
            if self.future.done():
                self.future.result()
            else:
                self.future.cancel()
                try:
                    await self.future
                except asyncio.CancelledError:
                    pass
            raise e
        if getting.done():
            return getting.result()
        getting.cancel()
        self.future.result()  # it crashed: what asgiref raises at the end of the timeout, now
        raise TimeoutError  # not reached: a crashed future's result() raises

    async def receive_nothing(self, timeout=0.1, interval=0.01):
        if self.future.done():
            self.future.result()
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if not self.output_queue.empty():
                return False
            if crashed(self.future):
                break  # nothing more can come from an application that has died
            await asyncio.sleep(interval)
        return self.output_queue.empty()

    ApplicationCommunicator.receive_output = receive_output
    ApplicationCommunicator.receive_nothing = receive_nothing
    ApplicationCommunicator._fails_fast = True
    if guarded:  # grading.guard_communicator() ran first: check what the new receive_output returns too
        from .grading import guard_communicator

        guard_communicator()
