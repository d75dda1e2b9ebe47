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
