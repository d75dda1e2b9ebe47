"""The course map and exercise list, read from ``course.toml`` (the one source of truth)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .servers import REPO_ROOT

COURSE_FILE = REPO_ROOT / "course.toml"
EXERCISES_DIR = REPO_ROOT / "exercises"
SOLUTIONS_DIR = REPO_ROOT / "solutions"
EXERCISE_TESTS_DIR = REPO_ROOT / "tests" / "exercises"
# Plausible wrong answers and rightful variants, each a whole exercise file: catalogue/exNN/wrong_*.py
# must fail, catalogue/exNN/right_*.py must pass (tests/test_exercise_catalogue.py).
CATALOGUE_DIR = EXERCISE_TESTS_DIR / "catalogue"


@dataclass(frozen=True)
class Notebook:
    id: str
    question: str
    needs: tuple[str, ...] = ()  # services its cells start: "redis", "chromium"

    @property
    def path(self) -> Path:
        return REPO_ROOT / "notebooks" / f"{self.id}.ipynb"


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    notebook: str
    file: str
    points: int
    hints: tuple[str, ...]
    timeout: float = 0  # seconds its tests may take, when more than the grader's default (course.toml)

    @property
    def tests(self) -> Path:
        """The graded tests, named after the exercise file."""
        return EXERCISE_TESTS_DIR / f"test_{self.file}"


@cache
def _load() -> dict:
    with COURSE_FILE.open("rb") as f:
        return tomllib.load(f)


def notebooks() -> list[Notebook]:
    """Every notebook, in reading order."""
    return [Notebook(**{**entry, "needs": tuple(entry.get("needs", ()))}) for entry in _load()["notebooks"]]


def exercises() -> list[Exercise]:
    """Every exercise, in doing order."""
    return [Exercise(**{**entry, "hints": tuple(entry["hints"])}) for entry in _load().get("exercises", [])]


def exercise(exercise_id: str) -> Exercise:
    """The exercise called ``exercise_id`` (such as ``"ex01"``), or a KeyError listing the valid ids."""
    for candidate in exercises():
        if candidate.id == exercise_id:
            return candidate
    valid = ", ".join(e.id for e in exercises())
    raise KeyError(f"no exercise {exercise_id!r}; the exercises are {valid}")


def course_map() -> str:
    """The notebooks in order, each with its question and its exercises, as Markdown."""
    by_notebook: dict[str, list[str]] = {}
    for ex in exercises():
        by_notebook.setdefault(ex.notebook, []).append(ex.id)
    rows = ["| notebook | the question it answers | exercises |", "|---|---|---|"]
    for nb in notebooks():
        rows.append(f"| `{nb.id}` | {nb.question} | {', '.join(by_notebook.get(nb.id, [])) or '—'} |")
    return "\n".join(rows)
