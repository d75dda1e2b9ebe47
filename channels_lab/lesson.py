"""The code a lesson teaches lives in its notebook's cells, and a real daphne serves it.

A cell that starts with the line ``%%lesson`` runs in the kernel as usual *and* becomes
part of a module named ``lesson`` (``%%lesson other`` for a second module), written to a
folder that only this kernel uses::

    %%lesson
    from channels.generic.websocket import WebsocketConsumer

    class EchoConsumer(WebsocketConsumer):
        def receive(self, text_data=None, bytes_data=None):
            self.send(text_data=text_data, bytes_data=bytes_data)

``run_daphne("lesson:application")`` then serves that module, and every new connection
gets the module as it is *now*: edit the cell, re-run it, connect again. Each cell is one
part of the module, known by the names it defines; re-running a cell replaces its part
in place. Every run re-executes the whole module, so the kernel and daphne always hold
the same code. A cell that fails changes nothing. The folder is removed when the kernel
exits.

Tests load the same code from a notebook's source: ``from_notebook("04_websocket_consumer")``.
"""

from __future__ import annotations

import ast
import atexit
import os
import re
import shutil
import sys
import tempfile
import types
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODULE = "lesson"
MAGIC = "%%lesson"


def defined_names(source: str) -> frozenset[str]:
    """The names that identify a piece of code: the classes, functions and variables it defines.

    Imports do not count (two cells may both ``import json``), except in a cell of imports
    only, which is known by all its imports together (an ``("import", ...)`` entry).
    """
    names, imported = set(), set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            imported.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return frozenset(names) if names else frozenset([("import", frozenset(imported))])


@dataclass
class LessonModule:
    """One module built from cells: its parts in order, the file daphne imports, the live module."""

    name: str
    folder: Path
    parts: list[tuple[frozenset[str], str]] = field(default_factory=list)
    module: types.ModuleType | None = None

    @property
    def path(self) -> Path:
        return self.folder / f"{self.name}.py"

    @property
    def source(self) -> str:
        return "\n\n".join(source.strip("\n") for _, source in self.parts) + "\n"

    def add(self, source: str) -> types.ModuleType:
        """Put ``source`` in the module (replacing the part that defines the same names), run it, save it."""
        names = defined_names(source)  # a SyntaxError stops here, before anything changed
        before = list(self.parts)
        same = [i for i, (old, _) in enumerate(self.parts) if old & names]
        if same:
            self.parts[same[0]] = (names, source)
            for i in reversed(same[1:]):
                del self.parts[i]
        else:
            self.parts.append((names, source))
        try:
            self.module = self._execute()
        except BaseException:
            self.parts = before
            raise
        self._save()
        return self.module

    def _execute(self) -> types.ModuleType:
        """Run the whole module afresh, as daphne's import of the saved file will."""
        module = types.ModuleType(self.name)
        module.__file__ = str(self.path)
        source = self.source
        import linecache

        linecache.cache[str(self.path)] = (len(source), None, source.splitlines(True), str(self.path))
        previous = sys.modules.get(self.name)
        sys.modules[self.name] = module
        try:
            exec(compile(source, str(self.path), "exec"), module.__dict__)
        except BaseException:
            if previous is not None:
                sys.modules[self.name] = previous
            else:
                sys.modules.pop(self.name, None)
            raise
        return module

    def _save(self) -> None:
        """Write the module where daphne imports it from, atomically (a connection never reads half a file)."""
        draft = self.path.with_suffix(".py.draft")
        draft.write_text(self.source, encoding="utf-8")
        os.replace(draft, self.path)


FOLDER_PREFIX = "channels-lab-lesson-"


def remove_orphans() -> None:
    """Delete lesson folders whose kernel is gone (a kernel killed before its atexit hook ran)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        pid = folder.name[len(FOLDER_PREFIX):].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lessons:
    """The lesson modules of one process (a kernel, or a test), in a temporary folder of their own."""

    def __init__(self) -> None:
        remove_orphans()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
        self.modules: dict[str, LessonModule] = {}
        if str(self.folder) not in sys.path:
            sys.path.insert(0, str(self.folder))
        atexit.register(self.remove)

    def add(self, source: str, module: str = DEFAULT_MODULE) -> types.ModuleType:
        """Add a cell's code to ``module`` and return the module, run afresh."""
        if module not in self.modules:
            self.modules[module] = LessonModule(module, self.folder)
        return self.modules[module].add(source)

    def serves(self, application: str) -> bool:
        """True when ``"module:attribute"`` names one of these lesson modules."""
        return application.partition(":")[0] in self.modules

    def remove(self) -> None:
        """Delete the folder and forget the modules (atexit does this when the kernel stops)."""
        for name in self.modules:
            sys.modules.pop(name, None)
        self.modules.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
        if str(self.folder) in sys.path:
            sys.path.remove(str(self.folder))

    def __enter__(self) -> "Lessons":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


_current: Lessons | None = None


def current() -> Lessons:
    """This process's lessons (the kernel's), made on first use."""
    global _current
    if _current is None or not _current.folder.exists():
        _current = Lessons()
    return _current


def use(lessons: Lessons | None) -> None:
    """Make ``lessons`` the ones ``%%lesson`` and ``run_daphne`` use (a test's, say); None forgets them."""
    global _current
    _current = lessons


def active() -> Lessons | None:
    """This process's lessons if any cell or test made some, else None."""
    return _current


def lesson_cell(line: str, cell: str) -> None:
    """The ``%%lesson [module]`` cell magic: run the cell as part of the module and share its names."""
    module = current().add(cell, line.strip() or DEFAULT_MODULE)
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.user_ns.update({k: v for k, v in vars(module).items() if not k.startswith("__")})


def register_magic() -> None:
    """Make ``%%lesson`` available in this IPython kernel (setup_django() calls it)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.register_magic_function(lesson_cell, magic_kind="cell", magic_name="lesson")


CELL_MARKER = re.compile(r"^# %%( |$)")


def cells_of(script: Path) -> list[tuple[str, str]]:
    """The ``%%lesson`` cells of a notebook's percent-format source, in order: (module name, code).

    A small reader of jupytext's percent format (cells start at ``# %%``; jupytext writes the
    magic line as ``# %%lesson``), so that tests and graders need not import jupytext;
    tests/test_lesson_mechanism.py checks it agrees with jupytext on every notebook.
    """
    found, cell = [], None
    for line in script.read_text(encoding="utf-8").splitlines() + ["# %%"]:
        if CELL_MARKER.match(line):
            if cell and cell[0].removeprefix("# ").split(" ")[0] == MAGIC:
                body = "\n".join(cell[1:]).strip("\n")
                found.append((cell[0].removeprefix("# ")[len(MAGIC):].strip() or DEFAULT_MODULE, body))
            cell = [] if "[markdown]" not in line else None
        elif cell is not None:
            cell.append(line)
    return found


def from_notebook(notebook: str, lessons: Lessons | None = None) -> Lessons:
    """Build the lesson modules of ``notebooks_src/<notebook>.py`` (its id, or a prefix like "04").

    Use it as a context manager in tests; it becomes the current lessons, so
    ``run_daphne("lesson:application")`` serves it::

        with from_notebook("04") as lessons:
            consumer = lessons.modules["lesson"].module.TracedConsumer
    """
    from .servers import REPO_ROOT

    matches = sorted((REPO_ROOT / "notebooks_src").glob(f"{notebook}*.py"))
    if len(matches) != 1:
        raise LookupError(f"no single notebook source starts with {notebook!r}: {[p.name for p in matches]}")
    lessons = lessons or Lessons()
    for module, code in cells_of(matches[0]):
        lessons.add(code, module)
    use(lessons)
    return lessons
