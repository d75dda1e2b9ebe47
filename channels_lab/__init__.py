"""Channels Lab's helpers, shared by the notebooks, the tests and the graders.

- ``setup_django()``: the one call a notebook's first cell makes (it also enables ``%%lesson``);
- ``lesson``: cells marked ``%%lesson`` become a module that daphne serves as edited;
- ``servers``: daphne and redis-server on free 127.0.0.1 ports, always stopped;
- ``check("ex01")`` and ``hint("ex01")``: check an exercise, reveal its next hint.
"""

from __future__ import annotations

import os
import sys

from .servers import DEMO_PROJECT, REPO_ROOT, run_daphne, run_redis

__all__ = ["setup_django", "check", "hint", "run_daphne", "run_redis", "REPO_ROOT", "DEMO_PROJECT"]


def setup_django(settings: str = "demo_project.settings", **overrides: str) -> None:
    """Make the demo project importable and configure Django, once per process.

    ``overrides`` become environment variables read by the settings, for example
    ``setup_django(REDIS_URL=server.url)``.
    """
    for path in (str(DEMO_PROJECT), str(REPO_ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.update(overrides)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()
    from .lesson import register_magic

    register_magic()


def check(exercise_id: str) -> None:
    """Check your exercise from a notebook: ``check("ex01")`` prints each test, pass or fail, and hints."""
    from .cli import check as run_check

    run_check(exercise_id)


def hint(exercise_id: str) -> None:
    """Reveal the next hint of an exercise from a notebook: ``hint("ex01")`` (as ``make hint EX=ex01``)."""
    from .cli import hint as next_hint

    print(next_hint(exercise_id))
