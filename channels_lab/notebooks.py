"""Notebooks are authored as jupytext percent scripts (``notebooks_src/NN_name.py``); the executed
``notebooks/NN_name.ipynb`` is generated from each.

    python -m channels_lab.notebooks execute [NAME ...]   # re-run in fresh kernels, save outputs
    python -m channels_lab.notebooks check                # every pair in sync, executed 1..n

``make notebooks`` calls ``execute``; ``make test`` runs the ``.ipynb`` files
under strict nbval and checks the pairs (tests/test_notebooks.py). The learner's
``notebooks/`` folder holds only what a learner opens; the sources live apart, and the
``.ipynb`` carries no jupytext pairing, so saving a notebook in JupyterLab never
rewrites a maintainer's script.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from .hints import HINTS_ENV
from .servers import REPO_ROOT

NOTEBOOKS = REPO_ROOT / "notebooks"
SOURCES = REPO_ROOT / "notebooks_src"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

# The environment of every kernel that makes committed outputs (``execute`` below) or replays
# them (nbval: ``pytest_configure`` below, since nbval starts its kernels with a copy of
# os.environ, jupyter_client/provisioning/provisioner_base.py, ``kwargs.pop("env", os.environ)``).
# ipykernel sets FORCE_COLOR=1 inside every kernel (ipykernel/zmqshell.py, init_environment),
# so every process a cell starts inherits it; Python 3.13 and later then colour the tracebacks
# of those processes (Lib/_colorize.py, can_colorize: FORCE_COLOR -> True), and 3.11/3.12 do
# not, so outputs would depend on the Python. PYTHON_COLORS=0 is read before FORCE_COLOR
# (_colorize.py, can_colorize) and ignored by 3.11 and 3.12. Kernels JupyterLab starts for a
# learner keep their colours.
KERNEL_ENV = {"PYTHON_COLORS": "0"}


def kernel_env() -> dict[str, str]:
    """This process's environment with ``KERNEL_ENV`` on top: what a kernel making or replaying outputs gets."""
    return {**os.environ, **KERNEL_ENV}


# A notebook's check("exNN") cell records the hints it showed (channels_lab/hints.py). A kernel that
# makes or replays committed outputs records them in a throw-away file, never the learner's
# .hints-seen.json, so its check cells show what a first check shows (the first hint) however many
# hints whoever runs it has seen, and the same on every run.
_hints_folder: str | None = None


def pytest_configure(config) -> None:
    """pytest plugin (pyproject.toml's ``-p channels_lab.notebooks``): nbval's kernels get ``KERNEL_ENV``,
    and a throw-away hints file for the session.

    Set in pytest's own environment because nbval gives its kernels no other way in; the
    tests' other subprocesses get it too, which keeps their tracebacks plain on 3.13 as well,
    and keeps every test's checks out of the learner's hints file.
    """
    global _hints_folder
    os.environ.update(KERNEL_ENV)
    _hints_folder = tempfile.mkdtemp(prefix="channels-lab-hints-")
    os.environ[HINTS_ENV] = os.path.join(_hints_folder, "hints-seen.json")


def pytest_unconfigure(config) -> None:
    if _hints_folder:
        shutil.rmtree(_hints_folder, ignore_errors=True)


def scripts(names=()) -> list[Path]:
    """The paired ``.py`` scripts, all of them or those whose stem starts with one of ``names``."""
    found = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    return [p for p in found if not names or any(p.stem.startswith(n) for n in names)]


def ipynb_of(script: Path) -> Path:
    """The executed notebook generated from ``script``."""
    return NOTEBOOKS / f"{script.stem}.ipynb"


def execute(script: Path, timeout: int = 120) -> float:
    """Run ``script`` top to bottom in a fresh kernel and write its ``.ipynb``; return seconds taken."""
    notebook = jupytext.read(script)
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = KERNELSPEC
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="channels-lab-hints-") as hints:
        NotebookClient(
            notebook, timeout=timeout, kernel_name="python3", record_timing=False,
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        ).execute(env={**kernel_env(), HINTS_ENV: os.path.join(hints, "hints-seen.json")})
    seconds = time.monotonic() - started
    from .lesson import remove_orphans

    remove_orphans()  # the kernel's lesson folder, if it was stopped before its atexit hook ran
    nbformat.write(notebook, ipynb_of(script))
    return seconds


def out_of_sync(script: Path) -> list[str]:
    """What differs between ``script`` and its ``.ipynb`` (empty when they agree)."""
    ipynb = ipynb_of(script)
    if not ipynb.exists():
        return [f"{ipynb.name} is missing: run make notebooks"]
    text_cells = [(c.cell_type, c.source) for c in jupytext.read(script).cells]
    saved = nbformat.read(ipynb, as_version=4)
    saved_cells = [(c.cell_type, c.source) for c in saved.cells]
    problems = []
    if text_cells != saved_cells:
        problems.append(f"{ipynb.name} does not match {script.name}: run make notebooks NB={script.stem[:2]}")
    counts = [c.get("execution_count") for c in saved.cells if c.cell_type == "code"]
    if counts != list(range(1, len(counts) + 1)):
        problems.append(f"{ipynb.name} was not executed top to bottom in one fresh kernel")
    return problems


def main(argv: list[str]) -> int:
    command, names = (argv[0] if argv else "check"), argv[1:]
    if command == "execute":
        for script in scripts(names):
            print(f"{script.name}: executed in {execute(script):.1f} s", flush=True)
        return 0
    if command == "check":
        problems = [p for script in scripts(names) for p in out_of_sync(script)]
        print("\n".join(problems) or "all notebooks in sync")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
