"""The exercise system: course.toml is consistent, every exercise fails as shipped and passes
when solved (checked per exercise), and broken submissions never stop the grader."""

import csv
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from channels_lab import course, hints
from channels_lab.cli import checked, feedback, grade_class, hint, status
from channels_lab import grading
from channels_lab.grading import ExerciseResult, as_shipped, grade

EXERCISES = course.exercises()
IDS = [ex.id for ex in EXERCISES]


def test_course_file_is_consistent():
    notebook_ids = [nb.id for nb in course.notebooks()]
    # Listed in doing order, grouped by notebook: an exercise added to an earlier notebook (ex26, notebook 12)
    # comes before a later notebook's (ex25, the capstone), so the ids are ex01..exNN, each once, in any order.
    assert sorted(IDS) == [f"ex{n:02d}" for n in range(1, len(IDS) + 1)], "exercise ids must be ex01, ex02, ..., each once"
    for ex in EXERCISES:
        assert ex.notebook in notebook_ids, f"{ex.id} names unknown notebook {ex.notebook}"
        assert (course.EXERCISES_DIR / ex.file).exists(), f"exercises/{ex.file} is missing"
        assert (course.SOLUTIONS_DIR / ex.file).exists(), f"solutions/{ex.file} is missing"
        assert ex.tests.exists(), f"{ex.tests} is missing"
        assert ex.hints and ex.points > 0, f"{ex.id} needs hints and points"
    stems = {p.name for p in course.EXERCISES_DIR.glob("*.py")}
    assert stems == {ex.file for ex in EXERCISES}, "every file in exercises/ must be listed in course.toml"
    assert stems == {p.name for p in course.SOLUTIONS_DIR.glob("*.py")}


@pytest.mark.parametrize("notebook", course.notebooks(), ids=lambda nb: nb.id)
def test_each_notebook_ends_by_checking_its_exercises(notebook):
    script = course.REPO_ROOT / "notebooks_src" / f"{notebook.id}.py"
    assert script.exists(), f"{script} is missing"
    checks = re.findall(r'check\("(ex\d+)"\)', script.read_text(encoding="utf-8"))
    assert checks == [ex.id for ex in EXERCISES if ex.notebook == notebook.id]


@pytest.fixture(scope="module")
def graded_both_sides(request):
    """The selected exercises graded against solutions/ and exercises/, using every core."""
    selected = {item.callspec.params["exercise"].id for item in request.session.items
                if "exercise" in getattr(getattr(item, "callspec", None), "params", {})}
    pairs = [(ex, folder) for ex in EXERCISES if ex.id in selected
             for folder in (course.SOLUTIONS_DIR, course.EXERCISES_DIR)]
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        results = pool.map(lambda pair: grade(*pair), pairs)
    return {(ex.id, folder.name): result for (ex, folder), result in zip(pairs, results)}


# The first of these tests waits for the fixture to grade every exercise twice.
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_solution_passes_every_test(exercise, graded_both_sides):
    from channels_lab.testing import in_ci

    result = graded_both_sides[exercise.id, "solutions"]
    not_passed = result.failures
    if not result.broken and not_passed and all(t.skipped for t in not_passed) and not in_ci():
        # Off CI, a test skipped for a missing service (redis-server, Chromium) proves nothing either way.
        pytest.skip("; ".join(sorted({f"{exercise.id}: {t.message}" for t in not_passed})))
    assert result.status == "done", [(t.description, t.message) for t in result.failures] or result.broken
    assert result.points == exercise.points


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_stub_fails_every_test_without_being_broken(exercise, graded_both_sides):
    result = graded_both_sides[exercise.id, "exercises"]
    assert not result.broken, result.broken
    passing = [t.description for t in result.tests if t.passed]
    assert result.tests and not passing, f"these tests pass on the unsolved stub: {passing}"
    assert result.points == 0


EX01 = course.exercise("ex01")
BROKEN_SUBMISSIONS = {
    "syntax error": ("def handshake_response(headers)\n    return 400, {}\n", "syntax error on line 1"),
    "import error": ("import no_such_module\n", "ModuleNotFoundError"),
    "exception at import": ("raise RuntimeError('boom')\n", "RuntimeError: boom"),
    "sys.exit at import": ("import sys\nsys.exit(3)\n", "SystemExit: 3"),
    "endless loop": ("def handshake_response(headers):\n    while True:\n        pass\n", "stopped after 6 s"),
    "await never answered": (
        "import asyncio\ndef handshake_response(headers):\n    return asyncio.run(asyncio.Event().wait())\n",
        "stopped after 6 s",
    ),
    "megabytes of printing": (
        "def handshake_response(headers):\n    for _ in range(200_000):\n        print('x' * 100)\n", "more than 8 MiB of output",
    ),
    "process killed mid-run": ("import os\ndef handshake_response(headers):\n    os._exit(0)\n", "the tests stopped early"),
    "missing file": (None, "ex01_accept_key.py is missing"),
}


@pytest.mark.parametrize("source, reason", BROKEN_SUBMISSIONS.values(), ids=BROKEN_SUBMISSIONS.keys())
def test_broken_submission_scores_zero_with_a_one_line_reason(tmp_path, source, reason):
    if source is not None:
        (tmp_path / EX01.file).write_text(source)
    hangs = "stopped after" in reason
    result = grade(EX01, tmp_path, timeout=6 if hangs else 60)
    assert result.points == 0 and result.status == "broken"
    assert result.broken.startswith("ex01: ") and reason in result.broken, result.broken
    assert "\n" not in result.broken


def test_plausible_wrong_answer_fails_with_expected_and_got(tmp_path):
    wrong = (course.SOLUTIONS_DIR / EX01.file).read_text().replace(".digest()", ".hexdigest().encode()")
    (tmp_path / EX01.file).write_text(wrong)
    result = grade(EX01, tmp_path)
    assert result.status == "not yet" and result.points < EX01.points
    assert any("hexdigest()" in t.message for t in result.failures), [t.message for t in result.failures]
    text = feedback("someone", [result]).splitlines()
    failed = text.index(next(line for line in text if line.startswith("- failed: The RFC 6455 sample request")))
    assert text[failed + 1] == '  see notebooks/01_handshake.ipynb, section "Where `Sec-WebSocket-Accept` comes from"'


def test_class_grading_writes_csv_and_feedback_and_survives_bad_students(tmp_path):
    roster = tmp_path / "class"
    shutil.copytree(course.SOLUTIONS_DIR, roster / "alice")
    shutil.copytree(course.EXERCISES_DIR, roster / "bob")
    shutil.copytree(course.SOLUTIONS_DIR, roster / "carol")
    (roster / "carol" / EX01.file).write_text("while True:\n    pass\n")
    (roster / "dave").mkdir()  # handed in nothing
    assignment = EXERCISES[:2]
    only = ",".join(ex.id for ex in assignment)
    out = grade_class(roster, tmp_path / "grades", timeout=10, jobs=2, only=only)
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["student", *(ex.id for ex in assignment), "total"]
    full, second = sum(ex.points for ex in assignment), assignment[1].points
    assert [(r["student"], r["total"]) for r in rows] == [
        ("alice", str(full)), ("bob", "0"), ("carol", str(second)), ("dave", "0")]
    carol = (tmp_path / "grades" / "feedback" / "carol.md").read_text()
    assert "ex01: stopped after 10 s" in carol
    assert "ex01_accept_key.py is missing" in (tmp_path / "grades" / "feedback" / "dave.md").read_text()
    bob = (tmp_path / "grades" / "feedback" / "bob.md").read_text()
    assert f"- not attempted: {EX01.file} is the file as shipped (see {EX01.see()})" in bob
    assert "failed:" not in bob, bob


def test_status_names_the_next_exercise_and_its_notebook_and_the_hints_seen(hints_file):
    hint("ex01")
    report = status(course.EXERCISES_DIR, timeout=30, jobs=2)
    first = EXERCISES[0]
    assert f"Next: {first.id}" in report and f"notebooks/{first.notebook}.ipynb" in report
    assert report.startswith(f"Progress: 0/{len(EXERCISES)} exercises done")
    assert re.search(r"ex01 .*hints 1/3", report) and re.search(r"ex02 .*hints 0/3", report), report


def test_watch_rechecks_an_exercise_when_its_file_is_saved(tmp_path):
    shutil.copytree(course.EXERCISES_DIR, tmp_path, dirs_exist_ok=True)
    command = [sys.executable, "-m", "channels_lab.cli", "watch", "--folder", str(tmp_path)]
    watcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert watcher.stdout.readline().startswith("Watching")
        time.sleep(1)  # file times can be coarse: make the save visibly newer
        shutil.copy(course.SOLUTIONS_DIR / EX01.file, tmp_path / EX01.file)
        lines = [watcher.stdout.readline() for _ in range(3)]
        assert "ex01_accept_key.py saved" in lines[1], lines
        assert lines[2].startswith("ex01 · ") and ": done (" in lines[2], lines
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)


# Hints one at a time (channels_lab/hints.py) and feedback that says where each failed test is taught.
EX15 = course.exercise("ex15")  # a pure function: checking it needs no server


@pytest.fixture
def hints_file(tmp_path, monkeypatch):
    path = tmp_path / "hints" / "seen.json"
    monkeypatch.setenv(hints.HINTS_ENV, str(path))
    return path


def shown_hints(output: str) -> list[int]:
    return [int(n) for n in re.findall(r"^Hint (\d+) of \d+:", output, flags=re.MULTILINE)]


def test_a_failed_check_shows_one_more_hint_per_changed_attempt_and_a_pass_shows_none(tmp_path, hints_file, capsys):
    shutil.copy(course.EXERCISES_DIR / EX15.file, tmp_path / EX15.file)
    checked(EX15, tmp_path, 60)
    first = capsys.readouterr().out
    assert shown_hints(first) == [1], first
    assert f"make hint EX=ex15" in first and 'hint("ex15")' in first
    checked(EX15, tmp_path, 60)  # the same file again: not a new attempt (a re-run notebook, nbval)
    assert capsys.readouterr().out == first
    with (tmp_path / EX15.file).open("a") as f:
        f.write("# tried something\n")
    checked(EX15, tmp_path, 60)
    assert shown_hints(capsys.readouterr().out) == [1, 2]
    shutil.copy(course.SOLUTIONS_DIR / EX15.file, tmp_path / EX15.file)
    assert checked(EX15, tmp_path, 60).status == "done"
    assert shown_hints(capsys.readouterr().out) == []
    assert hints.seen(EX15) == 2


def test_make_hint_reveals_the_next_hint(hints_file):
    ex = EX01
    assert hints.seen(ex) == 0
    for n in range(1, len(ex.hints) + 1):
        assert shown_hints(hint(ex.id)) == list(range(1, n + 1))
    last = hint(ex.id)
    assert shown_hints(last) == list(range(1, len(ex.hints) + 1)) and "That is every hint" in last
    assert hints.after_check(ex, course.EXERCISES_DIR / ex.file, passed=False) == len(ex.hints)
    assert hints.after_check(ex, course.EXERCISES_DIR / ex.file, passed=True) == 0


def test_the_hints_file_sits_beside_exercises_and_git_ignores_it(monkeypatch):
    monkeypatch.delenv(hints.HINTS_ENV, raising=False)
    assert hints.state_file() == course.EXERCISES_DIR.parent / ".hints-seen.json"
    ignored = subprocess.run(["git", "check-ignore", "-q", ".hints-seen.json"], cwd=course.REPO_ROOT)
    assert ignored.returncode == 0, ".gitignore must list .hints-seen.json"


def test_kernels_that_make_or_replay_outputs_never_use_the_learners_hints_file(monkeypatch):
    """nbval (this session's environment) and `make notebooks` (execute) give kernels a throw-away hints file."""
    from channels_lab import notebooks

    replayed = os.environ.get(hints.HINTS_ENV, "")
    assert replayed and not replayed.startswith(str(course.REPO_ROOT)), replayed
    seen = {}

    class Client:
        def __init__(self, notebook, **kwargs):
            pass

        def execute(self, env):
            seen["path"] = env[hints.HINTS_ENV]
            seen["exists"] = os.path.isdir(os.path.dirname(env[hints.HINTS_ENV]))

    monkeypatch.setattr(notebooks, "NotebookClient", Client)
    monkeypatch.setattr(notebooks.nbformat, "write", lambda *args: None)
    monkeypatch.setattr("channels_lab.lesson.remove_orphans", lambda: None)
    notebooks.execute(notebooks.scripts(["01"])[0])
    assert seen["exists"] and not seen["path"].startswith(str(course.REPO_ROOT)) and seen["path"] != replayed
    assert not os.path.exists(os.path.dirname(seen["path"])), "the throw-away hints folder is left behind"


@pytest.mark.parametrize("notebook", [nb for nb in course.notebooks() if any(ex.notebook == nb.id for ex in EXERCISES)],
                         ids=lambda nb: nb.id)
def test_committed_check_outputs_show_only_the_first_hint(notebook):
    import nbformat

    saved = nbformat.read(notebook.path, as_version=4)
    for cell in saved.cells:
        if cell.cell_type == "code" and (found := re.match(r'check\("(ex\d+)"\)', cell.source)):
            text = "".join(o.get("text", "") for o in cell.outputs)
            if ": done (" not in text:  # skipped where a service is missing, the unsolved state otherwise
                assert shown_hints(text) == [1], f"{notebook.id}: {found[1]}: run make notebooks NB={notebook.id[:2]}"


def test_every_section_a_test_links_to_is_a_heading_of_its_notebook():
    for ex in EXERCISES:
        assert ex.section, f"{ex.id}: course.toml needs a section (the heading that teaches it)"
        names = set(re.findall(r"^(?:async )?def (test_\w+)", ex.tests.read_text(encoding="utf-8"), flags=re.MULTILINE))
        for test, _ in ex.test_sections:
            assert test in names, f"{ex.id}: test_sections names {test}, which is not a test of {ex.tests.name}"
        for test in ["", *dict(ex.test_sections)]:
            notebook, heading = ex.teaches(test)
            assert heading in course.headings(notebook), f"{ex.id} {test}: no section {heading!r} in {notebook}"


def test_feedback_links_each_failed_test_to_its_section():
    result = ExerciseResult(EX01, [
        grading.TestOutcome("test_the_rfc_sample_request_is_accepted", "The RFC sample", False, "got 400"),
        grading.TestOutcome("test_header_names_are_case_insensitive[lower]", "Any case", False, "got 400"),
        grading.TestOutcome("test_another_version_gets_426_naming_13[8]", "Version 8", True)])
    text = feedback("someone", [result])
    assert ('- failed: The RFC sample: got 400\n'
            '  see notebooks/01_handshake.ipynb, section "Where `Sec-WebSocket-Accept` comes from"') in text
    assert ('- failed: Any case: got 400\n'
            '  see notebooks/01_handshake.ipynb, section "The upgrade request, typed by hand"') in text
    assert "Version 8" not in text
    capstone = course.exercise("ex25")
    assert capstone.see("test_a_foreign_origin_is_refused[x]") == \
        'notebooks/09_auth_and_origins.ipynb, section "Cross-site WebSocket hijacking"'


def test_an_exercise_left_as_shipped_reads_as_one_line_not_attempted(tmp_path):
    ex02 = course.exercise("ex02")
    stub = (course.EXERCISES_DIR / ex02.file).read_text(encoding="utf-8")
    (tmp_path / ex02.file).write_bytes(("# my copy\n" + stub + "\n\n").replace("\n", "\r\n").encode())
    assert as_shipped(tmp_path / ex02.file, ex02), "a comment, blank lines and CRLF do not make it attempted"
    assert not as_shipped(course.EXERCISES_DIR / ex02.file, ex02), "the learner's own file is never 'as shipped'"
    result = grade(ex02, tmp_path)
    assert result.not_attempted and len(result.failures) > 10
    section = feedback("someone", [result]).split(f"## {ex02.id}")[1].strip().splitlines()
    assert section[1:] == [f"- not attempted: {ex02.file} is the file as shipped (see {ex02.see()})"], section
    (tmp_path / ex02.file).write_text(stub.replace("raise NotImplementedError", "return [] or NotImplementedError", 1))
    assert not as_shipped(tmp_path / ex02.file, ex02)
