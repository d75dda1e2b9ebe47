"""Run one exercise's tests against one submission folder, isolated, and score it.

Each run is a separate pytest process in its own process group, killed after
``timeout`` seconds; its output goes to a capped file. Whatever the submission
does (syntax error, import error, endless loop, hung ``await``, ``sys.exit()``,
megabytes of printing), the result is a score and, if it is broken, one line
saying why, naming the exercise.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .course import Exercise
from .servers import REPO_ROOT

DEFAULT_TIMEOUT = 30.0
OUTPUT_LIMIT = 8 * 1024 * 1024  # bytes a run may write to its output file
SUBMISSION_ENV = "CHANNELS_LAB_SUBMISSION"


class SubmissionImportError(Exception):
    """The submitted file could not be imported; the message says why."""


def load_submission(folder: Path, file: str):
    """Import ``folder/file`` as a fresh module, turning any failure (even SystemExit) into SubmissionImportError."""
    path = Path(folder) / file
    if not path.exists():
        raise SubmissionImportError(f"could not import {file}: there is no {path}")
    spec = importlib.util.spec_from_file_location(f"submission_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except BaseException as error:  # noqa: BLE001 - a submission may raise anything, SystemExit included
        raise SubmissionImportError(f"could not import {file}: {type(error).__name__}: {error}") from None
    return module


@dataclass
class TestOutcome:
    name: str
    description: str
    passed: bool
    message: str = ""
    skipped: bool = False  # a service (redis-server, Chromium) is missing here


@dataclass
class ExerciseResult:
    """One exercise graded against one folder."""

    exercise: Exercise
    tests: list[TestOutcome] = field(default_factory=list)
    broken: str = ""  # one line naming the exercise, when the tests could not judge the code

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tests)

    @property
    def status(self) -> str:
        if self.broken:
            return "broken"
        return "done" if self.tests and self.passed == len(self.tests) else "not yet"

    @property
    def points(self) -> float:
        """Points in proportion to the tests passed; a broken exercise scores 0."""
        if self.broken or not self.tests:
            return 0.0
        return round(self.exercise.points * self.passed / len(self.tests), 1)

    @property
    def failures(self) -> list[TestOutcome]:
        return [t for t in self.tests if not t.passed]


def _syntax_error(path: Path) -> str:
    try:
        compile(path.read_bytes(), str(path), "exec")
    except SyntaxError as error:
        return f"syntax error on line {error.lineno}: {error.msg}"
    except ValueError as error:  # for example null bytes
        return f"cannot be read as Python: {error}"
    return ""


def grade(exercise: Exercise, folder: Path, timeout: float = DEFAULT_TIMEOUT) -> ExerciseResult:
    """Run ``exercise``'s tests against ``folder/exercise.file`` in an isolated pytest process."""
    folder = Path(folder).resolve()
    result = ExerciseResult(exercise)
    path = folder / exercise.file
    if not path.exists():
        result.broken = f"{exercise.id}: {exercise.file} is missing"
        return result
    if problem := _syntax_error(path):
        result.broken = f"{exercise.id}: {exercise.file} has a {problem}"
        return result
    with tempfile.TemporaryDirectory(prefix="channels-lab-grade-") as scratch:
        report, output = Path(scratch) / "report.json", Path(scratch) / "output.txt"
        command = [
            sys.executable, "-m", "pytest", str(exercise.tests), "-q", "-o", "addopts=",
            "-p", "no:cacheprovider", "-p", "no:nbval", "-p", "channels_lab.report_plugin", "--report-json", str(report),
            "--output-limit", str(OUTPUT_LIMIT), "--timeout=0", "--show-capture=no", "--rootdir", str(REPO_ROOT),
        ]
        env = {**os.environ, SUBMISSION_ENV: str(folder), "PYTHONDONTWRITEBYTECODE": "1"}
        with output.open("wb") as sink:
            process = subprocess.Popen(command, cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                                       stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                result.broken = (f"{exercise.id}: stopped after {timeout:g} s: an endless loop, "
                                 "or an await that is never answered?")
                return result
            finally:
                _kill_leftovers(process.pid)
        flooded = process.returncode == -signal.SIGXFSZ or (
            report.exists() and "File too large" in report.read_text(encoding="utf-8"))
        if flooded:
            result.broken = (f"{exercise.id}: stopped: it printed more than {OUTPUT_LIMIT // 2**20} MiB "
                             "of output (print less, or print nothing in a loop)")
            return result
        if not report.exists():
            tail = output.read_bytes()[-2000:].decode(errors="replace").strip().splitlines()
            last = tail[-1] if tail else "no output"
            result.broken = f"{exercise.id}: the tests stopped early (exit status {process.returncode}): {last[:200]}"
            return result
        for test in json.loads(report.read_text(encoding="utf-8")):
            result.tests.append(TestOutcome(test["name"], test["description"], test["outcome"] == "passed",
                                            test["message"], skipped=test["outcome"] == "skipped"))
    import_errors = [t.message for t in result.failures if "could not import" in t.message]
    if import_errors and len(import_errors) == len(result.tests):
        result.broken = f"{exercise.id}: {import_errors[0].split('SubmissionImportError: ')[-1]}"
    elif not result.tests:
        result.broken = f"{exercise.id}: no tests ran"
    return result


def _kill_leftovers(group: int) -> None:
    """Kill anything the run left behind in its process group (servers a submission started)."""
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
