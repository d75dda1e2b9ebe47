"""The student release (`make release`): no solution, no catalogue, no line only a reference has; a learner's
commands work in it; its GitHub Classroom workflow grades with the pinned course's tests, not the student's."""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from channels_lab import course
from channels_lab.classroom import WORKFLOW
from channels_lab.release import MARKER, build

COMMIT = "0123456789abcdef0123456789abcdef01234567"
# Where the course teaches the code an answer uses: a line of a solution found here is the lesson, not a leak.
TEACHING = ("exercises/", "notebooks_src/", "notebooks/", "demo_project/", "channels_lab/")
EX01 = course.exercise("ex01")


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The release of the working tree as it is (untracked files too, so that uncommitted work is tested)."""
    out = tmp_path_factory.mktemp("release") / "channels-lab"
    build(out, ref="worktree", course_repo="example-org/channels-lab", course_commit=COMMIT, untracked=True)
    return out


def files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_in(folder: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """This venv's Python with ``folder``'s channels_lab first on the path (never repointing the venv's .pth)."""
    env = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{folder / 'demo_project'}"}
    return subprocess.run([sys.executable, *args], cwd=folder, env=env, capture_output=True, text=True, **kwargs)


def answer_lines(solution: Path) -> set[str]:
    """The lines a solution adds to its stub that say something (not comments, not a bare opening of a call)."""
    stub = course.EXERCISES_DIR / solution.name
    given = {line.strip() for line in stub.read_text(encoding="utf-8").splitlines()} if stub.exists() else set()
    return {s for line in solution.read_text(encoding="utf-8").splitlines() if len(s := line.strip()) >= 20
            and s not in given and not s.startswith("#") and not s.endswith(("(", "[", "{"))}


def test_no_solution_catalogue_or_attack_file_is_shipped(release):
    shipped = files(release)
    assert not [p for p in shipped if p.startswith(("solutions/", "tests/exercises/catalogue/", "tests/grading_attacks/"))]
    assert "tests/test_exercise_system.py" not in shipped and "benchmarks/grading.py" not in shipped
    references = {digest(p) for p in [*course.SOLUTIONS_DIR.glob("*.py"), *course.CATALOGUE_DIR.rglob("*.py"),
                                      *(course.REPO_ROOT / "tests" / "grading_attacks").glob("*.py")]}
    assert not [p for p, path in shipped.items() if digest(path) in references]
    for ex in course.exercises():  # what a learner needs is there
        assert f"exercises/{ex.file}" in shipped and f"tests/exercises/test_{ex.file}" in shipped, ex.id
    for needed in ("Makefile", "README.md", "course.toml", "requirements.lock", "environment.yml", "pyproject.toml",
                   "tests/conftest.py", "tests/exercises/conftest.py", "notebooks/00_start_here.ipynb", MARKER):
        assert needed in shipped, needed


def test_no_shipped_file_quotes_a_line_only_a_reference_has(release):
    shipped = {p: path.read_text(encoding="utf-8", errors="replace") for p, path in files(release).items()}
    teaching = "\n".join(text for p, text in shipped.items() if p.startswith(TEACHING))
    quoted = []
    for solution in sorted(course.SOLUTIONS_DIR.glob("*.py")):
        answers = answer_lines(solution)
        own = {line for line in answers if line not in teaching}
        assert own, f"{solution.name}: every line of it is taught somewhere, so nothing here could notice it leaking"
        for p, text in shipped.items():  # a body, not one incidental line: two of its own lines (or its only one)
            found = sorted(line for line in own if line in text)
            if len(found) >= min(2, len(own)):
                quoted.append((p, solution.name, found))
    assert not quoted, quoted


def test_untracked_files_are_not_shipped(tmp_path):
    stray = course.REPO_ROOT / "docs" / "untracked_stray_for_test_release.md"
    stray.write_text("scratch notes\n")
    try:
        from_disk = build(tmp_path / "worktree", ref="worktree")
        from_head = build(tmp_path / "head", ref="HEAD")
    finally:
        stray.unlink()
    assert "docs/AUTHORING.md" in from_disk and "docs/AUTHORING.md" in from_head
    assert not [p for p in from_disk + from_head if "untracked_stray" in p]
    assert json.loads((tmp_path / "head" / MARKER).read_text())["course_commit"] == ""


def test_check_and_hint_work_in_the_release(release):
    where = run_in(release, "-c", "import channels_lab; print(channels_lab.REPO_ROOT)")
    assert where.stdout.strip() == str(release), where.stderr
    checked = run_in(release, "-m", "channels_lab.cli", "check", "ex01", timeout=300)
    assert checked.returncode == 1, checked.stderr  # the stub fails with its feedback, not a crash
    assert checked.stdout.startswith(f"ex01 · {EX01.title}: not yet (0/"), checked.stdout[:500] + checked.stderr
    assert "Traceback" not in checked.stderr, checked.stderr
    hinted = run_in(release, "-m", "channels_lab.cli", "hint", "ex01", timeout=60)
    assert hinted.returncode == 0 and "Hint 1" in hinted.stdout, hinted.stdout + hinted.stderr


def test_a_previous_release_is_rebuilt_in_place_keeping_its_git_folder(tmp_path):
    out = tmp_path / "release"
    build(out, ref="HEAD")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / "left_over.txt").write_text("from an older release\n")
    build(out, ref="HEAD", course_repo="example-org/channels-lab", course_commit=COMMIT)
    assert (out / ".git" / "HEAD").exists() and not (out / "left_over.txt").exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine\n")
    with pytest.raises(SystemExit, match="not a previous release"):
        build(tmp_path / "other", ref="HEAD")


def test_the_classroom_workflow_is_valid_and_pins_the_course_commit(release):
    text = (release / WORKFLOW).read_text()
    flow = yaml.safe_load(text)
    assert flow["name"] == "Autograding Tests"
    assert flow["env"]["COURSE_REPO"] == "example-org/channels-lab" and flow["env"]["COURSE_COMMIT"] == COMMIT
    job = flow["jobs"]["run-autograding-tests"]
    assert job["name"] == "Autograding Tests"  # the check run the reporter writes "Points N/M" on
    steps = {step.get("id") or step.get("name") or step["uses"]: step for step in job["steps"]}
    course_checkout = next(s for s in job["steps"] if s.get("with", {}).get("path") == "course")
    assert course_checkout["with"]["ref"] == "${{ env.COURSE_COMMIT }}"
    assert course_checkout["with"]["repository"] == "${{ env.COURSE_REPO }}"
    grade = steps["grade"]
    assert grade["working-directory"] == "course" and "--submission ../student/exercises" in grade["run"]
    reporter = next(s for s in job["steps"] if "autograding-grading-reporter" in s.get("uses", ""))
    ids = [ex.id for ex in course.exercises()]
    assert reporter["with"]["runners"] == ",".join(ids)
    assert reporter["env"][f"{ids[0].upper()}_RESULTS"] == f"${{{{ steps.grade.outputs.{ids[0]} }}}}"


def git(folder: Path, *args: str) -> str:
    command = ["git", "-C", str(folder), "-c", "user.name=Test", "-c", "user.email=test@example.org", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def test_the_grading_step_uses_the_course_tests_not_the_students(release, tmp_path):
    """As the workflow does: the course release checked out at its pinned commit grades the student's
    exercises/; a student who made ex01's tests `assert True` in their own repository still scores 0."""
    origin = tmp_path / "origin"  # the course release's repository, and the template students copy
    shutil.copytree(release, origin)
    git(origin, "init", "-q")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "the course release")
    pinned = git(origin, "rev-parse", "HEAD")
    student = tmp_path / "student"
    git(tmp_path, "clone", "-q", str(origin), str(student))
    (student / "tests" / "exercises" / f"test_{EX01.file}").write_text("def test_anything():\n    assert True\n")
    git(student, "commit", "-qam", "my own tests")
    course_checkout = tmp_path / "course"
    git(tmp_path, "clone", "-q", str(origin), str(course_checkout))
    git(course_checkout, "checkout", "-q", pinned)
    outputs = {}
    for name, checkout in (("course", course_checkout), ("student", student)):
        output = tmp_path / f"github_output_{name}"
        graded = run_in(checkout, "-m", "channels_lab.classroom", "--submission", str(student / "exercises"),
                        "--only", EX01.id, "--github-output", str(output), timeout=300)
        assert graded.returncode == 0, graded.stdout + graded.stderr
        assert f"with the tests of {checkout}" in graded.stdout
        key, value = output.read_text().strip().split("=", 1)
        assert key == EX01.id
        outputs[name] = json.loads(base64.b64decode(value))
    course_result = outputs["course"]
    assert course_result["max_score"] == EX01.points and course_result["status"] == "fail"
    assert sum(t["score"] for t in course_result["tests"]) == 0
    # The same step run from the student's copy would have believed the edited test: the pin is what matters.
    assert sum(t["score"] for t in outputs["student"]["tests"]) == EX01.points
