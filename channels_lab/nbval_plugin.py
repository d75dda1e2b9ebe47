"""A pytest plugin (loaded by pyproject.toml's addopts): under nbval, skip a notebook whose services (course.toml `needs`) are missing, with the reason.

In CI nothing is skipped: a missing service makes the notebook's cells fail. At the end of the
run it removes the lesson folders of the kernels nbval stopped (nbval stops them with
``shutdown_kernel(now=True)``, which kills them before their atexit hooks run).
"""

from pathlib import Path

import pytest

from channels_lab import course
from channels_lab.testing import in_ci, missing


def pytest_collection_modifyitems(config, items):
    if in_ci():
        return
    needs = {nb.id: nb.needs for nb in course.notebooks()}
    reasons = {}  # per notebook, computed once
    for item in items:
        notebook = Path(str(item.fspath)).stem
        if notebook not in needs:
            continue
        if notebook not in reasons:
            reasons[notebook] = "; ".join(r for r in map(missing, needs[notebook]) if r)
        if reasons[notebook]:
            item.add_marker(pytest.mark.skip(reason=f"notebook {notebook}: {reasons[notebook]}"))


def pytest_sessionfinish(session):
    from channels_lab.lesson import remove_orphans

    remove_orphans()
