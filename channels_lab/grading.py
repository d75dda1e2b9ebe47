"""Run one exercise's tests against one submission folder, isolated, and score it.

Each run is a pytest child forked by a warm worker inside the submission's sandbox
(channels_lab/sandbox.py), on a copy of the submitted files, in its own process group,
killed after ``timeout`` seconds; its output goes to a capped file and its outcomes reach
the grader over a pipe as each test ends (channels_lab/report_plugin.py). Whatever the
submission does (syntax error, import error, endless loop, hung ``await``, ``sys.exit()``,
megabytes of printing, rewriting the report, forging outcomes, patching builtins), the
result is a score and, if it is broken, one line saying why, naming the exercise.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import inspect
import json
import signal
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

from .course import EXERCISES_DIR, Exercise
from .servers import REPO_ROOT

DEFAULT_TIMEOUT = 30.0
OUTPUT_LIMIT = 8 * 1024 * 1024  # bytes a run may write to its output file
SUBMISSION_ENV = "CHANNELS_LAB_SUBMISSION"
SENTINEL_FILE = Path(__file__).with_name("grading_sentinel.py")
SENTINEL_MESSAGE = "the grading sentinel fails on purpose"


class SubmissionImportError(Exception):
    """The submitted file could not be imported; the message says why."""


def load_submission(folder: Path, file: str):
    """Import ``folder/file`` as a fresh module, turning any failure (even SystemExit) into SubmissionImportError.

    A module that fakes its names (a module-level ``__getattr__``, or a module replaced by another
    object) is refused; its own functions are wrapped so that what they return is checked by
    ``check_plain`` before any test compares it.
    """
    path = Path(folder) / file
    if not path.exists():
        raise SubmissionImportError(f"could not import {file}: there is no {path}")
    spec = importlib.util.spec_from_file_location(f"submission_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except BaseException as error:  # noqa: BLE001 - a submission may raise anything, SystemExit included
        raise SubmissionImportError(f"could not import {file}: {type(error).__name__}: {error}") from None
    if type(module) is not types.ModuleType or "__getattr__" in vars(module):
        raise SubmissionImportError(f"could not import {file}: it fakes its names (a module-level __getattr__ "
                                    "or a replaced module class); define the names the exercise asks for")
    for name, value in list(vars(module).items()):
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            setattr(module, name, _checked(value, f"{path.stem}.{name}()"))
    return module


class FakeValue(TypeError):
    """A submission returned something that only pretends to be a plain value."""


PLAIN = (str, bytes, bytearray, int, float, complex, bool, type(None))
CONTAINERS = (list, tuple, dict, set, frozenset)
COMPARISONS = ("__eq__", "__ne__", "__hash__")


def check_plain(value, where: str = "the submission", _depth: int = 0) -> None:
    """Raise FakeValue unless ``value`` compares like what it claims to be.

    Python tries a right-hand subclass's ``__eq__`` first, and any object's reflected ``__eq__``
    when the left side says NotImplemented, so ``expected == got`` can be answered by the
    submission. Builtin values and containers of them pass (so do subclasses that keep their base's
    comparisons, like named tuples and enums); so do objects whose ``==`` comes from an installed
    library (Django, Channels, the standard library). An object whose class defines ``==`` in the
    submission, or a str/bytes/int/... subclass with its own ``==``, does not.
    """
    kind = type(value)
    if _depth > 20 or kind in PLAIN:
        return
    for base in PLAIN + CONTAINERS:
        if isinstance(value, base):
            if kind is not base and any(getattr(kind, op) is not getattr(base, op) for op in COMPARISONS):
                raise FakeValue(f"{where} returned a {kind.__name__}, a {base.__name__} subclass with its own ==: "
                                f"return a plain {base.__name__}")
            if isinstance(value, dict):
                for key, item in list(value.items()):
                    check_plain(key, where, _depth + 1)
                    check_plain(item, where, _depth + 1)
            elif base in CONTAINERS:
                for item in list(value):
                    check_plain(item, where, _depth + 1)
            return
    owner = next((c for c in kind.__mro__ if any(op in vars(c) for op in COMPARISONS[:2])), object)
    if owner is not object and not _installed(owner):
        raise FakeValue(f"{where} returned a {kind.__name__}, whose class defines its own ==: "
                        "return plain values (str, bytes, int, list, dict, ...)")


def _installed(cls: type) -> bool:
    """Whether ``cls`` is what its module, imported from the standard library or site-packages, calls it."""
    module = sys.modules.get(cls.__module__)
    if module is None or cls.__module__ == "builtins":
        return cls.__module__ == "builtins"
    target = module
    for part in cls.__qualname__.split("."):
        target = getattr(target, part, None)
    where = str(getattr(module, "__file__", "") or "")
    return target is cls and where.startswith((sys.prefix, sys.base_prefix, str(REPO_ROOT / "channels_lab"),
                                               str(REPO_ROOT / "demo_project")))


def _checked(function, where: str):
    # Coroutine functions are left alone: wrapping one changes how servers call it (uvicorn calls an app with
    # no arguments to detect a factory), and what an ASGI app sends is checked by guard_communicator.
    if inspect.iscoroutinefunction(function) or inspect.isgeneratorfunction(function) \
            or inspect.isasyncgenfunction(function):
        return function

    @functools.wraps(function)
    def checked(*args, **kwargs):
        result = function(*args, **kwargs)
        check_plain(result, where)
        return result
    return checked


def guard_communicator() -> None:
    """Check every ASGI message a submitted application sends to a test (asgiref's communicators)."""
    from asgiref.testing import ApplicationCommunicator

    receive = ApplicationCommunicator.receive_output
    if getattr(receive, "checked", False):
        return

    async def receive_output(self, timeout=1):
        message = await receive(self, timeout)
        check_plain(message, "the application")
        return message
    receive_output.checked = True
    ApplicationCommunicator.receive_output = receive_output


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
    sandboxed: bool = True  # False where bubblewrap is missing (channels_lab.sandbox.SANDBOX_MISSING)
    not_attempted: bool = False  # the file is the stub the course ships in exercises/ (as_shipped)
    cpu: float = 0.0  # CPU seconds of the run's child and the processes it reaped (benchmarks/grading.py)

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


def as_shipped(path: Path, exercise: Exercise) -> bool:
    """Whether ``path`` is the stub exercises/ ships, unchanged but for layout and comments (same syntax tree).

    The learner's own exercises/ folder is never "as shipped": it is the file being compared.
    """
    shipped = EXERCISES_DIR / exercise.file
    if not shipped.is_file() or Path(path).resolve() == shipped.resolve():
        return False
    try:
        return ast.dump(ast.parse(Path(path).read_bytes())) == ast.dump(ast.parse(shipped.read_bytes()))
    except (SyntaxError, ValueError, OSError):
        return False


def grade(exercise: Exercise, folder: Path, timeout: float = DEFAULT_TIMEOUT, sandbox=None) -> ExerciseResult:
    """Run ``exercise``'s tests against a copy of ``folder/exercise.file`` in a forked, sandboxed pytest child.

    ``sandbox`` is the submission's Sandbox (grade_class holds one per student); by default a warm
    one is kept per folder (channels_lab.sandbox.POOL).
    """
    from .sandbox import POOL, SandboxGone

    timeout = max(timeout, exercise.timeout)  # course.toml may give a slow exercise more time
    folder = Path(folder).resolve()
    result = ExerciseResult(exercise)
    path = folder / exercise.file
    if not path.is_file() or path.is_symlink():
        result.broken = f"{exercise.id}: {exercise.file} is missing"
        return result
    if problem := _syntax_error(path):
        result.broken = f"{exercise.id}: {exercise.file} has a {problem}"
        return result
    result.not_attempted = as_shipped(path, exercise)
    arguments = [str(exercise.tests), str(SENTINEL_FILE), "-q", "-o", "addopts=", "-p", "no:cacheprovider",
                 "-p", "pytest_asyncio.plugin", "-p", "pytest_timeout", "-p", "channels_lab.report_plugin",
                 "-W", "ignore::pytest.PytestAssertRewriteWarning", "--timeout=0", "--show-capture=no",
                 "--rootdir", str(REPO_ROOT)]
    for attempt in (1, 2):  # a worker that stopped under this run (killed, out of memory) gets one fresh retry
        box = sandbox if sandbox is not None and attempt == 1 else POOL.acquire(folder)
        stream = _Stream()
        try:
            result.sandboxed = bool(box.bwrap)
            reply, output = box.run(folder, arguments, timeout, stream.feed)
            tail = output.decode(errors="replace").strip().splitlines()
            said = box.worker_output().splitlines() if reply.get("gone") else []
        except SandboxGone as error:
            reply, tail, said = {"gone": True}, [], [str(error)]
        finally:
            if box is not sandbox:
                POOL.release(folder, box)
        if not reply.get("gone"):
            break
    result.cpu = float(reply.get("cpu", 0.0) or 0.0)
    if reply.get("gone") and not stream.done:
        result.broken = f"{exercise.id}: the tests stopped early: the grading worker stopped" + (
            f": {said[-1][:200]}" if said else "")
        return result
    if reply.get("timeout"):
        result.broken = (f"{exercise.id}: stopped after {timeout:g} s: an endless loop, "
                         "or an await that is never answered?")
        return result
    status = reply.get("status", "unknown")
    if status == -signal.SIGXFSZ or any("File too large" in t.get("message", "") for t in stream.outcomes.values()):
        result.broken = (f"{exercise.id}: stopped: it printed more than {OUTPUT_LIMIT // 2**20} MiB "
                         "of output (print less, or print nothing in a loop)")
        return result
    sentinel = next((t for t in stream.collected if t.get("sentinel")), None)
    sentinel_outcome = stream.outcomes.get(sentinel["id"]) if sentinel else None
    if stream.done and sentinel_outcome and not (
            sentinel_outcome.get("outcome") == "failed" and SENTINEL_MESSAGE in sentinel_outcome.get("message", "")):
        stream.tamper = stream.tamper or "the test outcomes were forged (the sentinel test, which always fails, was reported passed)"
    if stream.tamper:
        result.broken = f"{exercise.id}: tampering: {stream.tamper}; scored 0"
        return result
    if not stream.done or not sentinel_outcome:
        last = tail[-1] if tail else "no output"
        result.broken = f"{exercise.id}: the tests stopped early (exit status {status}): {last[:200]}"
        return result
    listed = [t for t in stream.collected if not t.get("sentinel")]
    listed += [t for t in stream.outcomes.values() if t.get("phase") == "collect" and t not in listed]
    for test in listed:
        outcome = stream.outcomes.get(test["id"], {"outcome": "not run",
                                                   "message": "did not run: the test run stopped before it"})
        result.tests.append(TestOutcome(test["name"], test["description"], outcome["outcome"] == "passed",
                                        outcome.get("message", ""), skipped=outcome["outcome"] == "skipped"))
    import_errors = [t.message for t in result.failures if "could not import" in t.message]
    if import_errors and len(import_errors) == len(result.tests):
        result.broken = f"{exercise.id}: {import_errors[0].split('SubmissionImportError: ')[-1]}"
    elif not result.tests:
        result.broken = f"{exercise.id}: no tests ran"
    return result


class _Stream:
    """The report channel's JSON lines: the tests collected, each test's first outcome, tampering, done."""

    def __init__(self) -> None:
        self.buffer = b""
        self.collected: list[dict] = []
        self.outcomes: dict[str, dict] = {}
        self.tamper = ""
        self.done = False
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > OUTPUT_LIMIT:
            return
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
                kind = event.get("event")
            except (ValueError, AttributeError):
                continue
            if self.done:  # the plugin sends nothing after "done": someone else writes on the channel
                self.tamper = self.tamper or "the report channel carried events after the run ended"
                return
            if kind == "collected" and not self.collected and isinstance(event.get("tests"), list):
                self.collected = [t for t in event["tests"] if isinstance(t, dict) and "id" in t]
            elif kind == "test" and isinstance(event.get("id"), str):
                if event["id"] in self.outcomes:
                    self.tamper = self.tamper or f"two reports arrived for one test ({event.get('name')})"
                self.outcomes.setdefault(event["id"], event)
            elif kind == "tamper":
                self.tamper = self.tamper or str(event.get("reason", "tampering"))[:300]
            elif kind == "done":
                self.done = True
