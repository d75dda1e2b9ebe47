"""The third side of every exercise: each catalogued wrong answer fails with a message that names its
mistake, and each rightful variant passes (see tests/exercises/catalogue/README.md)."""

import ast
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from channels_lab import course
from channels_lab.grading import grade
from channels_lab.sandbox import Sandbox
from channels_lab.testing import skip_or_fail

ANSWERS = sorted(course.CATALOGUE_DIR.glob("ex[0-9][0-9]/*_*.py"))


def expected_words(path: Path) -> list[str]:
    """The ``expect:`` lines of a catalogued answer's docstring."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return [line.split(":", 1)[1].strip() for line in doc.splitlines() if line.lower().startswith("expect:")]


def exercise_of(path: Path) -> course.Exercise:
    return course.exercise(path.parent.name)


@pytest.fixture(scope="module")
def graded(request):
    """The selected catalogued answers graded as a learner's files, using every core."""
    selected = [item.callspec.params["answer"] for item in request.session.items
                if "answer" in getattr(getattr(item, "callspec", None), "params", {})]

    shared = Sandbox()  # the course's own answers share one warm sandbox; each run still has its own copy

    def run(path):
        with tempfile.TemporaryDirectory(prefix="channels-lab-catalogue-") as folder:
            exercise = exercise_of(path)
            shutil.copy(path, Path(folder) / exercise.file)
            return grade(exercise, Path(folder), sandbox=shared)
    try:
        with ThreadPoolExecutor(2 * (os.cpu_count() or 1)) as pool:
            return dict(zip(selected, pool.map(run, selected)))
    finally:
        shared.close()


def test_every_catalogued_exercise_has_three_wrong_answers_and_a_right_one():
    folders = sorted(p for p in course.CATALOGUE_DIR.iterdir() if p.is_dir())
    thin = {f.name: (len(list(f.glob("wrong_*.py"))), len(list(f.glob("right_*.py")))) for f in folders}
    thin = {name: counts for name, counts in thin.items() if counts[0] < 3 or counts[1] < 1}
    assert not thin, f"(wrong, right) answers per exercise, each needs at least (3, 1): {thin}"
    for folder in folders:
        course.exercise(folder.name)  # a KeyError names a folder that is not an exercise
    uncatalogued = [ex.id for ex in course.exercises() if not (course.CATALOGUE_DIR / ex.id).is_dir()]
    assert not uncatalogued, f"every exercise needs a catalogue folder: {uncatalogued} have none"


def skip_if_not_judged(result):
    """Tests skipped for a missing service (redis-server, Chromium) judged nothing: skip, or fail in CI."""
    skipped = [t for t in result.tests if t.skipped]
    if skipped:
        skip_or_fail(f"{result.exercise.id}: {skipped[0].message}")


WRONG = [p for p in ANSWERS if p.name.startswith("wrong_")]
RIGHT = [p for p in ANSWERS if p.name.startswith("right_")]


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("answer", WRONG, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_wrong_answer_fails_naming_its_mistake(answer, graded):
    result = graded[answer]
    words = expected_words(answer)
    assert words, f"{answer.name} has no 'expect:' line saying how the tests name its mistake"
    assert not result.broken, f"a wrong answer must be judged by the tests, not be broken: {result.broken}"
    skip_if_not_judged(result)
    assert result.status != "done", f"{answer.name} passes every test: the tests accept this mistake"
    messages = [t.message for t in result.failures]
    assert any(all(w.lower() in m.lower() for w in words) for m in messages), \
        f"no failure message names the mistake (expected {words}); the messages: {messages}"


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("answer", RIGHT, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_rightful_variant_passes(answer, graded):
    result = graded[answer]
    skip_if_not_judged(result)
    assert result.status == "done", [(t.description, t.message) for t in result.failures] or result.broken
