"""Hints one at a time: which hints of each exercise a learner has seen, kept in ``.hints-seen.json``.

The first failed check of an exercise shows its first hint; each later failed check of a *changed*
file, or ``make hint EX=exNN`` / ``hint("exNN")``, reveals the next. A check that passes shows none.
Checking an unchanged file again shows the same hints as last time, so re-running a notebook
("Restart Kernel and Run All", nbval) never reveals a hint by itself.

The file lives at the repository root, beside ``exercises/`` rather than in it, so it is not handed
in with a submission, copied into a student release or watched by ``make watch``; git ignores it.
``CHANNELS_LAB_HINTS_FILE`` points it elsewhere: ``make notebooks`` and nbval set it to a throw-away
path, so committed and replayed outputs are those of a first check whatever a maintainer has seen.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

from .course import Exercise
from .servers import REPO_ROOT

HINTS_ENV = "CHANNELS_LAB_HINTS_FILE"
DEFAULT_FILE = REPO_ROOT / ".hints-seen.json"
_lock = threading.Lock()


def state_file() -> Path:
    """Where the hints seen are kept: ``$CHANNELS_LAB_HINTS_FILE``, else ``.hints-seen.json`` at the repo root."""
    return Path(os.environ.get(HINTS_ENV) or DEFAULT_FILE)


def _load() -> dict:
    try:
        state = json.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _save(state: dict) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, path)


def _entry(state: dict, exercise: Exercise) -> dict:
    entry = state.get(exercise.id)
    return entry if isinstance(entry, dict) and isinstance(entry.get("seen"), int) else {"seen": 0}


def seen(exercise: Exercise) -> int:
    """How many of ``exercise``'s hints the learner has seen."""
    return min(_entry(_load(), exercise)["seen"], len(exercise.hints))


def after_check(exercise: Exercise, file: Path, passed: bool) -> int:
    """Record a learner's check of ``file`` and return how many hints it shows (0 when it passed).

    A failed check of content not checked before reveals one more hint; the same content again
    shows the same hints.
    """
    if passed:
        return 0
    try:
        digest = hashlib.sha256(Path(file).read_bytes()).hexdigest()
    except OSError:
        digest = "missing"
    with _lock:
        state = _load()
        entry = _entry(state, exercise)
        if entry.get("last_failed") != digest or entry["seen"] == 0:
            entry = {"seen": min(entry["seen"] + 1, len(exercise.hints)), "last_failed": digest}
            state[exercise.id] = entry
            _save(state)
        return min(entry["seen"], len(exercise.hints))


def reveal_next(exercise: Exercise) -> tuple[int, bool]:
    """Reveal one more hint of ``exercise``; return how many are seen now, and whether this call revealed one."""
    with _lock:
        state = _load()
        entry = _entry(state, exercise)
        if entry["seen"] >= len(exercise.hints):
            return len(exercise.hints), False
        state[exercise.id] = {**entry, "seen": entry["seen"] + 1}
        _save(state)
        return entry["seen"] + 1, True
