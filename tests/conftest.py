"""Shared fixtures: Django configured for the demo project, servers started once per module."""

import os

import pytest

from channels_lab import run_daphne, setup_django
from channels_lab.grading import SUBMISSION_ENV
from channels_lab.testing import fail_fast_communicators

setup_django(DEMO_DATABASE=":memory:")
fail_fast_communicators()  # a crashed consumer fails its test at once, not after a receive timeout

# Graded exercise tests run only through the grader, which names the folder to grade
# (tests/test_exercise_system.py runs them against exercises/ and solutions/).
if SUBMISSION_ENV not in os.environ:
    collect_ignore = ["exercises"]


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Give every test its own in-memory channel layer (each test has its own event loop)."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(scope="module")
def demo_server():
    """The demo project's whole ASGI application, served by a real daphne."""
    with run_daphne(env={"DEMO_DATABASE": ":memory:"}) as server:
        yield server
