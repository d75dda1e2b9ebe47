"""Graded exercise tests import the learner's file from the folder in $CHANNELS_LAB_SUBMISSION.

The grader sets it: ``exercises/`` for learners, ``solutions/`` in CI, a student's
folder for instructors. ``submission("exNN_name.py")`` returns the imported module.
"""

import os

import pytest

from channels_lab.course import EXERCISES_DIR
from channels_lab.grading import SUBMISSION_ENV, load_submission


@pytest.fixture(scope="module")
def submission():
    folder = os.environ.get(SUBMISSION_ENV, str(EXERCISES_DIR))
    loaded = {}

    def load(file):
        if file not in loaded:
            loaded[file] = load_submission(folder, file)
        return loaded[file]

    return load


@pytest.fixture(scope="module")
def serve_submission():
    """``with serve_submission("ex07_x", "submitted.SomeConsumer.as_asgi()") as server:`` serves the learner's
    code with a real daphne: ``expression`` is evaluated with the learner's module as ``submitted``."""
    import contextlib
    import tempfile
    from pathlib import Path

    from channels_lab import run_daphne
    from channels_lab.servers import django_env

    @contextlib.contextmanager
    def serve(module, expression, env=None, **options):
        folder = os.environ.get(SUBMISSION_ENV, str(EXERCISES_DIR))
        with tempfile.TemporaryDirectory(prefix="channels-lab-serve-") as shim:
            Path(shim, "served_submission.py").write_text(
                f"import django\ndjango.setup()\nimport {module} as submitted\napplication = {expression}\n")
            path = os.pathsep.join([shim, folder, django_env()["PYTHONPATH"]])
            with run_daphne("served_submission:application", env={"PYTHONPATH": path, **(env or {})},
                            **options) as server:
                yield server

    return serve
