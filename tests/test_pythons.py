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


def test_nbval_compares_the_thread_pool_size_line_of_every_python_alike():
    # Lib/concurrent/futures/thread.py: 3.11 and 3.12 count os.cpu_count(), 3.13 os.process_cpu_count().
    python_312 = "max_workers = min(32, (os.cpu_count() or 1) + 4)"
    python_313 = "max_workers = min(32, (os.process_cpu_count() or 1) + 4)"
    assert sanitize(python_313) == sanitize(python_312) == python_312


def test_kernels_that_replay_outputs_get_the_kernel_environment():
    # pyproject.toml loads channels_lab.notebooks as a plugin; nbval's kernels copy os.environ.
    assert {k: os.environ.get(k) for k in KERNEL_ENV} == KERNEL_ENV


def test_a_subprocess_traceback_is_plain_even_under_ipykernels_force_color():
    # ipykernel sets FORCE_COLOR=1 in every kernel; 3.13+ would colour this traceback without KERNEL_ENV.
    env = {**kernel_env(), "FORCE_COLOR": "1"}
    run = subprocess.run([sys.executable, "-c", "raise LookupError('plain')"], capture_output=True, text=True, env=env)
    assert run.stderr.splitlines()[-1] == "LookupError: plain"
    assert "\x1b" not in run.stderr


# The wheel check (make wheels, run by .ci/run) needs PyPI; these parts of it need nothing.

def test_wheel_check_covers_the_promised_pythons_and_every_exception_is_documented():
    import tomllib

    from channels_lab import wheels

    floor = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert floor == f">={wheels.PYTHONS[0]}"
    assert set(wheels.PLATFORMS) == {"linux-x86_64", "macos-arm64"}
    readme = (REPO_ROOT / "README.md").read_text()
    for name, _platform in wheels.BUILDS_FROM_SOURCE:
        assert name in wheels.pins(), f"{name} is listed as building from source but is not pinned"
        assert name in readme, f"the README must say what building {name} needs"


def test_wheel_check_reads_the_pin_pip_has_no_wheel_for():
    from channels_lab.wheels import _NO_WHEEL

    stderr = "ERROR: No matching distribution found for autobahn==26.10.2\n"
    assert _NO_WHEEL.search(stderr).group(1) == "autobahn"


def test_wheel_check_off_line_skips_on_a_laptop_and_fails_in_ci(monkeypatch, capsys):
    from channels_lab import wheels

    monkeypatch.setattr(wheels, "pypi_reachable", lambda: "PyPI is not reachable (test)")
    monkeypatch.setenv("CI", "")
    assert wheels.main([]) == 0
    monkeypatch.setenv("CI", "true")
    assert wheels.main([]) == 1
    assert "CI must reach PyPI" in capsys.readouterr().out
