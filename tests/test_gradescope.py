"""The Gradescope autograder (`make gradescope`): the zip has Gradescope's layout and no reference, and its
run_autograder, run against a sample submission, writes a valid results.json with the right scores."""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import pytest

from channels_lab import course
from channels_lab.gradescope import CONFIG, build

# Two pure-function exercises solved and one left as shipped: fast to grade, and every kind of entry.
SOLVED, UNTOUCHED = ("ex01", "ex02"), "ex15"
ONLY = [*SOLVED, UNTOUCHED]


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The zip built from the working tree, unpacked as Gradescope does: /autograder/source and run_autograder."""
    root = tmp_path_factory.mktemp("gradescope")
    archive = build(root / "autograder.zip", ",".join(ONLY), visibility="after_due_date", ref="worktree",
                    untracked=True)
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        z.extractall(root / "autograder" / "source")
        modes = {info.filename: info.external_attr >> 16 for info in z.infolist()}
    for name in ("setup.sh", "run_autograder"):  # zipfile does not restore modes; Gradescope runs them
        (root / "autograder" / "source" / name).chmod(0o755)
    shutil.copy(root / "autograder" / "source" / "run_autograder", root / "autograder" / "run_autograder")
    return {"root": root / "autograder", "names": names, "modes": modes}


def test_the_zip_has_gradescopes_layout_and_no_reference(autograder):
    names = autograder["names"]
    assert "setup.sh" in names and "run_autograder" in names and CONFIG in names  # at the root, not in a folder
    for name in ("setup.sh", "run_autograder"):
        assert autograder["modes"][name] & stat.S_IXUSR, f"{name} is not executable in the zip"
    assert not [n for n in names if n.startswith(("solutions/", "tests/exercises/catalogue/"))]
    assert f"tests/exercises/test_{course.exercise('ex01').file}" in names and "course.toml" in names
    setup = (autograder["root"] / "source" / "setup.sh").read_text()
    assert all(needed in setup for needed in ("requirements.lock", "bubblewrap", "redis-server", "nginx", "chromium"))
    for name in ("setup.sh", "run_autograder"):
        syntax = subprocess.run(["bash", "-n", str(autograder["root"] / "source" / name)], capture_output=True, text=True)
        assert syntax.returncode == 0, syntax.stderr
    config = json.loads((autograder["root"] / "source" / CONFIG).read_text())
    assert config["only"] == ONLY and config["visibility"] == "after_due_date"


def test_run_autograder_scores_a_sample_submission(autograder, tmp_path):
    root = autograder["root"]
    submission = root / "submission"
    (submission / "exercises").mkdir(parents=True)
    first, second = (course.exercise(i) for i in SOLVED)
    shutil.copy(course.SOLUTIONS_DIR / first.file, submission / first.file)  # uploaded loose
    shutil.copy(course.SOLUTIONS_DIR / second.file, submission / "exercises" / second.file)  # a repository upload
    untouched = course.exercise(UNTOUCHED)
    shutil.copy(course.EXERCISES_DIR / untouched.file, submission / "exercises" / untouched.file)
    # A submission cannot bring its own tests: these are never copied, let alone run.
    (submission / "tests" / "exercises").mkdir(parents=True)
    (submission / "tests" / "exercises" / f"test_{untouched.file}").write_text("def test_x():\n    assert True\n")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "CHANNELS_LAB_PYTHON": sys.executable}
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert f"with the tests of {root / 'source'}" in done.stdout
    assert results["score"] == first.points + second.points
    assert results["stdout_visibility"] == "hidden" and isinstance(results["execution_time"], int)
    assert "Total: 20 / 30 points" in results["output"]
    tests = results["tests"]
    assert all(set(t) >= {"name", "score", "max_score", "status", "output", "visibility"} for t in tests)
    assert {t["visibility"] for t in tests} == {"after_due_date"}
    assert all(isinstance(t["score"], (int, float)) and 0 <= t["score"] <= t["max_score"] for t in tests)
    by_exercise = {}
    for t in tests:
        by_exercise.setdefault(t["name"].split(" · ")[0], []).append(t)
    assert list(by_exercise) == ONLY
    for ex in (first, second):
        entries = by_exercise[ex.id]
        assert len(entries) > 1 and all(t["status"] == "passed" for t in entries)
        assert sum(t["max_score"] for t in entries) == pytest.approx(ex.points, abs=0.01)
        assert sum(t["score"] for t in entries) == pytest.approx(ex.points, abs=0.01)
    [left] = by_exercise[UNTOUCHED]
    assert left["score"] == 0 and left["max_score"] == untouched.points and left["status"] == "failed"
    assert left["output"].startswith("not attempted")


def test_only_regular_exercise_files_are_taken_from_a_submission(tmp_path):
    from channels_lab.gradescope import collect

    submission, into = tmp_path / "submission", tmp_path / "graded"
    (submission / "a" / "b").mkdir(parents=True)
    into.mkdir()
    first, second, third = course.exercises()[:3]
    (submission / "a" / "b" / first.file).write_text("deep = True\n")
    (submission / "a" / first.file).write_text("shallower = True\n")
    (submission / second.file).symlink_to(course.SOLUTIONS_DIR / second.file)  # a link to the reference
    (submission / "linked").symlink_to(course.SOLUTIONS_DIR, target_is_directory=True)
    (submission / "conftest.py").write_text("raise SystemExit\n")
    found = collect(submission, into, [first, second, third])
    assert found == {first.file: f"a/{first.file}"}
    assert sorted(p.name for p in into.iterdir()) == [first.file]
    assert (into / first.file).read_text() == "shallower = True\n"


def test_a_grading_that_fails_still_writes_results_saying_why(autograder, tmp_path):
    root = tmp_path / "autograder"
    shutil.copytree(autograder["root"] / "source", root / "source")
    shutil.copy(autograder["root"] / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    config = root / "source" / CONFIG
    config.write_text(json.dumps({**json.loads(config.read_text()), "timeout": "not a number"}))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "CHANNELS_LAB_PYTHON": sys.executable}
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and results["output"].startswith("The autograder could not grade this submission")
    assert results["tests"][0]["max_score"] == sum(course.exercise(i).points for i in ONLY)
