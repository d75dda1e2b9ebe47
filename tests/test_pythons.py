"""Committed notebook outputs do not depend on the Python that replays them (3.11 to 3.14)."""

import os
import re
import subprocess
import sys

from nbval.plugin import get_sanitize_patterns

from channels_lab.notebooks import KERNEL_ENV, kernel_env
from channels_lab.servers import REPO_ROOT

COLOURED = "\x1b[1;35mdjango.core.exceptions.AppRegistryNotReady\x1b[0m: \x1b[35mApps aren't loaded yet.\x1b[0m"


def sanitize(text):
    """``text`` as nbval compares it, with tests/nbval_sanitize.cfg's patterns applied."""
    for regex, replace in get_sanitize_patterns((REPO_ROOT / "tests" / "nbval_sanitize.cfg").read_text()):
        text = re.sub(regex, replace, text)
    return text


def test_nbval_compares_outputs_without_colour_codes():
    assert sanitize(COLOURED) == "django.core.exceptions.AppRegistryNotReady: Apps aren't loaded yet."


def test_kernels_that_replay_outputs_get_the_kernel_environment():
    # pyproject.toml loads channels_lab.notebooks as a plugin; nbval's kernels copy os.environ.
    assert {k: os.environ.get(k) for k in KERNEL_ENV} == KERNEL_ENV


def test_a_subprocess_traceback_is_plain_even_under_ipykernels_force_color():
    # ipykernel sets FORCE_COLOR=1 in every kernel; 3.13+ would colour this traceback without KERNEL_ENV.
    env = {**kernel_env(), "FORCE_COLOR": "1"}
    run = subprocess.run([sys.executable, "-c", "raise LookupError('plain')"], capture_output=True, text=True, env=env)
    assert run.stderr.splitlines()[-1] == "LookupError: plain"
    assert "\x1b" not in run.stderr
