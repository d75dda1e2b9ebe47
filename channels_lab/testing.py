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
