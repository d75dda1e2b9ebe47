"""Attacks on the grader by a student who has read its source (issue 19), each graded by the real grade_class
beside an honest classmate: the attack scores what its docstring's ``score:`` line says, the classmate scores
full points, and the classmate's submitted file is unchanged."""

import ast
import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from channels_lab import course
from channels_lab.cli import grade_class
from channels_lab.sandbox import bwrap_path

ATTACKS = sorted((Path(__file__).parent / "grading_attacks").glob("*.py"))
EX01 = course.exercise("ex01")
# Without bubblewrap nothing contains these two: run unsandboxed, overwrite_classmates writes a syntax
# error into every ex01_accept_key.py two levels below the run's parent (/tmp/*/*/ on Linux, a checkout
# in /tmp included), so they are not run at all there.
UNCONTAINED = ("run_the_solution", "overwrite_classmates")


def expected_score(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return next(line.split(":", 1)[1].strip() for line in doc.splitlines() if line.startswith("score:"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """alice (honest) and one student per attack, ex01 only, graded once with grade_class."""
    root = tmp_path_factory.mktemp("attacks")
    roster = root / "class"
    (roster / "alice").mkdir(parents=True)
    shutil.copy(course.SOLUTIONS_DIR / EX01.file, roster / "alice" / EX01.file)
    for attack in ATTACKS:
        if not bwrap_path() and attack.stem in UNCONTAINED:
            continue
        (roster / attack.stem).mkdir()
        source = attack.read_text(encoding="utf-8").replace("{class_folder}", str(roster))
        (roster / attack.stem / EX01.file).write_text(source, encoding="utf-8")
    before = {p: digest(p) for p in roster.glob("*/*.py")}
    out = grade_class(roster, root / "grades", timeout=60, jobs=4, only=EX01.id)
    rows = {row["student"]: row for row in csv.DictReader(out.open())}
    return {"rows": rows, "before": before, "feedback": root / "grades" / "feedback"}


def test_every_attack_of_the_issue_has_a_submission():
    names = {p.stem for p in ATTACKS}
    assert {"getattr_equal_str", "rewrite_report_at_exit", "run_the_solution", "overwrite_classmates",
            "forge_reports", "equal_to_everything", "patch_builtins", "patch_test_imports"} <= names


@pytest.mark.timeout(900)
@pytest.mark.parametrize("attack", ATTACKS, ids=lambda p: p.stem)
def test_attack_scores_what_it_earned(attack, graded):
    if not bwrap_path() and attack.stem in UNCONTAINED:
        pytest.skip("without bubblewrap the submission can read solutions/ and reach files outside the class "
                    "folder, so it is not run")
    row = graded["rows"][attack.stem]
    feedback = (graded["feedback"] / f"{attack.stem}.md").read_text()
    assert row[EX01.id] == expected_score(attack), feedback


@pytest.mark.timeout(900)
def test_honest_classmate_scores_full_points_with_an_intact_file(graded):
    assert graded["rows"]["alice"][EX01.id] == str(EX01.points)
    changed = [str(p) for p, h in graded["before"].items() if digest(p) != h]
    assert not changed, f"grading changed submitted files: {changed}"


@pytest.mark.timeout(900)
def test_forgery_is_flagged_as_tampering_in_the_feedback(graded):
    for name in ("forge_reports", "patch_test_imports", "forge_channel"):
        assert "tampering" in (graded["feedback"] / f"{name}.md").read_text(), name


def test_without_bubblewrap_grading_warns_once_and_says_so_in_the_feedback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHANNELS_LAB_BWRAP", "")
    shutil.copytree(course.SOLUTIONS_DIR, tmp_path / "class" / "alice")
    grade_class(tmp_path / "class", tmp_path / "grades", timeout=60, jobs=2, only=EX01.id)
    warnings = [line for line in capsys.readouterr().err.splitlines() if "without a sandbox" in line]
    assert len(warnings) == 1, warnings
    feedback = (tmp_path / "grades" / "feedback" / "alice.md").read_text()
    assert "graded without a sandbox" in feedback and f"{EX01.points:g} / {EX01.points}" in feedback
