"""The course map and exercise list, read from ``course.toml`` (the one source of truth)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .servers import REPO_ROOT

COURSE_FILE = REPO_ROOT / "course.toml"
EXERCISES_DIR = REPO_ROOT / "exercises"
SOLUTIONS_DIR = REPO_ROOT / "solutions"
NOTEBOOK_SOURCES = REPO_ROOT / "notebooks_src"
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
    section: str = ""  # the heading of the notebook section that teaches it (course.toml)
    test_sections: tuple[tuple[str, str], ...] = ()  # (test function, section) where a test is taught elsewhere

    @property
    def tests(self) -> Path:
        """The graded tests, named after the exercise file."""
        return EXERCISE_TESTS_DIR / f"test_{self.file}"

    def teaches(self, test_name: str = "") -> tuple[str, str]:
        """(notebook id, section heading) that teaches the test ``test_name`` (``test_x[param]`` or ``test_x``).

        A section is a heading of the exercise's notebook, or ``"NN_slug: heading"`` for another notebook's.
        """
        heading = dict(self.test_sections).get(test_name.split("[")[0], self.section)
        notebook, _, rest = heading.partition(": ")
        if rest and re.fullmatch(r"\d\d_\w+", notebook):
            return notebook, rest
        return self.notebook, heading

    def see(self, test_name: str = "") -> str:
        """Where to read about ``test_name``: 'notebooks/NN_slug.ipynb, section "..."'."""
        notebook, heading = self.teaches(test_name)
        return f"notebooks/{notebook}.ipynb" + (f", section \"{heading}\"" if heading else "")


@cache
def _load() -> dict:
    with COURSE_FILE.open("rb") as f:
        return tomllib.load(f)


def notebooks() -> list[Notebook]:
    """Every notebook, in reading order."""
    return [Notebook(**{**entry, "needs": tuple(entry.get("needs", ()))}) for entry in _load()["notebooks"]]


def exercises() -> list[Exercise]:
    """Every exercise, in doing order."""
    return [Exercise(**{**entry, "hints": tuple(entry["hints"]),
                        "test_sections": tuple(entry.get("test_sections", {}).items())})
            for entry in _load().get("exercises", [])]


def headings(notebook_id: str) -> list[str]:
    """The section headings (``##`` and deeper) of a notebook's source, as written."""
    text = (NOTEBOOK_SOURCES / f"{notebook_id}.py").read_text(encoding="utf-8")
    return re.findall(r"^# #{2,} (.+?)\s*$", text, flags=re.MULTILINE)


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
