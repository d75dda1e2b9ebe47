"""A pytest plugin (loaded by pyproject.toml's addopts): under nbval, skip a notebook whose services (course.toml `needs`) are missing, with the reason.

In CI nothing is skipped: a missing service makes the notebook's cells fail.
"""

from pathlib import Path

import pytest

from channels_lab import course
from channels_lab.servers import redis_server_path
from channels_lab.testing import CHROMIUM, in_ci

MISSING = {
    "redis": lambda: redis_server_path() is None,
    "chromium": lambda: not CHROMIUM.exists(),
}


def pytest_collection_modifyitems(config, items):
    if in_ci():
        return
    needs = {nb.id: nb.needs for nb in course.notebooks()}
    for item in items:
        missing = [s for s in needs.get(Path(str(item.fspath)).stem, ()) if MISSING[s]()]
        if missing:
            item.add_marker(pytest.mark.skip(reason=f"needs {' and '.join(missing)}, not installed here"))
