"""Test helpers: skip when a service is missing on a learner's machine, fail when it is missing in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .servers import redis_server_path

CHROMIUM = Path("/usr/bin/chromium")

# The Origin header a browser sends for a page served from the demo's allowed host.
DEMO_ORIGIN = (b"origin", b"http://127.0.0.1")


def in_ci() -> bool:
    """True when the CI environment variable is set (as .ci/run's caller does)."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason`` on a learner's machine; in CI a missing service is a failure."""
    if in_ci():
        pytest.fail(f"{reason} (CI must install it: see .ci/run)", pytrace=False)
    pytest.skip(reason)


def require_redis() -> None:
    if redis_server_path() is None:
        skip_or_fail("redis-server is not installed (Debian: apt-get install redis-server; macOS: brew install redis)")


def require_chromium() -> None:
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium is not at {CHROMIUM} (Debian: apt-get install chromium)")
