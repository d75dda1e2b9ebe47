"""Gradescope: an uploadable autograder zip, and the run_autograder step it holds.

    python -m channels_lab.gradescope build [--out ../channels-lab-gradescope.zip] [--only ex01,ex02] [--visibility visible]
    python -m channels_lab.gradescope run [--root /autograder]     (what run_autograder calls)

Layout (https://gradescope-autograders.readthedocs.io/en/latest/specs/): the zip's root holds
``setup.sh`` (run once, as root, when Gradescope builds the image: Python 3.11+, redis-server,
nginx, bubblewrap, the pinned requirements, Playwright's Chromium), ``run_autograder`` (run per submission,
in /autograder) and the student release (channels_lab/release.py: no solutions, no catalogue), which
Gradescope unpacks into /autograder/source. The tests, course.toml and the grader come from there,
never from the submission: from /autograder/submission only the exercise files are copied (each
``exNN_*.py`` course.toml names, found at the top, in ``exercises/`` or deeper), then graded by
channels_lab.grading as ``make grade`` does. /autograder/results/results.json gets the total
``score``, the feedback file as ``output``, ``stdout_visibility`` and one entry per test in
``tests`` (``name``, ``score``, ``max_score``, ``status``, ``output``, ``visibility``).

Where setup.sh made the user ``channels-lab-grader``, the grading runs as that user, so that without
a sandbox (bubblewrap refused by the container) a submission still cannot change the course's files
or the results; run_autograder, as root, writes results.json from what the grading printed.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from . import course
from .grading import DEFAULT_TIMEOUT, ExerciseResult
from .servers import REPO_ROOT

CONFIG = "gradescope.json"  # in the zip: which exercises, the tests' visibility, the timeout
GRADER_USER = "channels-lab-grader"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu), from /autograder/source.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends bubblewrap redis-server nginx ca-certificates
python=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    python="$candidate"; break
  fi
done
if [ -z "$python" ]; then  # Ubuntu 22.04's python3 is 3.10; its universe has 3.11
  apt-get install -y -qq --no-install-recommends python3.11 python3.11-venv
  python=python3.11
fi
apt-get install -y -qq --no-install-recommends "$(basename "$(readlink -f "$(command -v "$python")")")-venv" || true
"$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
.venv/bin/python -m channels_lab.install_path
# Chromium for the browser exercises, where the sandbox can see it (it shows /opt, not /root).
export PLAYWRIGHT_BROWSERS_PATH=/opt/ms-playwright
.venv/bin/python -m playwright install --with-deps chromium
# The grading runs as this user: without a sandbox, a submission then cannot change /autograder/source.
id -u {user} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin {user}
""".format(user=GRADER_USER)
RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission. AUTOGRADER_ROOT (default /autograder) and CHANNELS_LAB_PYTHON
# (default the venv setup.sh made) let it run elsewhere, as tests/test_gradescope.py does.
set -uo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
source="$root/source"
python="${CHANNELS_LAB_PYTHON:-$source/.venv/bin/python}"
export PLAYWRIGHT_BROWSERS_PATH="${PLAYWRIGHT_BROWSERS_PATH:-/opt/ms-playwright}"
export PYTHONPATH="$source:$source/demo_project"
cd "$source" && exec "$python" -m channels_lab.gradescope run --root "$root"
"""


def build(out: Path, only: str | None = None, visibility: str = "visible", timeout: float = DEFAULT_TIMEOUT,
          ref: str = "HEAD", untracked: bool = False) -> Path:
    """Write the autograder zip: setup.sh, run_autograder, gradescope.json and the student release at the root."""
    from . import release

    if visibility not in VISIBILITIES:
        raise SystemExit(f"--visibility must be one of {', '.join(VISIBILITIES)}")
    ids = [ex.id for ex in _selected(only)]
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="channels-lab-gradescope-") as folder:
        staged = Path(folder) / "source"
        release.build(staged, ref=ref, untracked=untracked)
        (staged / CONFIG).write_text(json.dumps({"only": ids, "visibility": visibility, "timeout": timeout},
                                                indent=2) + "\n", encoding="utf-8")
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            (staged / name).write_text(text, encoding="utf-8")
            (staged / name).chmod(0o755)
        partial = out.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in staged.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo.from_file(path, path.relative_to(staged).as_posix())
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        partial.replace(out)
    return out


def _selected(only) -> list[course.Exercise]:
    ids = only if isinstance(only, list) else [i.strip() for i in (only or "").split(",") if i.strip()]
    return [course.exercise(i) for i in ids] if ids else course.exercises()


def collect(submission: Path, into: Path, exercises: list[course.Exercise]) -> dict[str, str]:
    """Copy each exercise's file from a Gradescope submission into ``into``; return {file: where it was found}.

    A file counts at the submission's top, in ``exercises/``, or anywhere below (the shallowest wins);
    only regular files, never through a symlink. Nothing else of the submission is copied.
    """
    found = {}
    for ex in exercises:
        candidates = [submission / ex.file, submission / "exercises" / ex.file]
        candidates += sorted(submission.rglob(ex.file), key=lambda p: (len(p.parts), str(p)))
        for candidate in candidates:
            if candidate.is_file() and not candidate.is_symlink() \
                    and not any(p.is_symlink() for p in candidate.relative_to(submission).parents if str(p) != "."):
                shutil.copyfile(candidate, into / ex.file, follow_symlinks=False)
                found[ex.file] = str(candidate.relative_to(submission))
                break
    return found


def results_json(results: list[ExerciseResult], visibility: str, feedback: str, note: str = "",
                 seconds: float = 0.0) -> dict:
    """Gradescope's results.json for graded exercises: per-test scores adding up to each exercise's points."""
    tests = []
    for r in results:
        ex = r.exercise
        if r.broken or (r.not_attempted and r.points == 0) or not r.tests:
            reason = r.broken or f"not attempted: {ex.file} is the file as shipped (taught in notebooks/{ex.notebook}.ipynb)"
            tests.append({"name": f"{ex.id} · {ex.title}", "score": 0, "max_score": ex.points,
                          "status": "failed", "output": reason, "visibility": visibility})
            continue
        each = ex.points / len(r.tests)
        for t in r.tests:
            tests.append({"name": f"{ex.id} · {t.description or t.name}", "score": round(each, 4) if t.passed else 0,
                          "max_score": round(each, 4), "status": "passed" if t.passed else "failed",
                          "output": "" if t.passed else t.message, "visibility": visibility})
    output = f"Note: {note}.\n\n{feedback}" if note else feedback
    return {"score": round(sum(r.points for r in results), 1), "output": output, "stdout_visibility": "hidden",
            "execution_time": round(seconds), "tests": tests}


def grade_folder(folder: Path, ids: list[str], timeout: float) -> list[ExerciseResult]:
    from .cli import grade_students

    return grade_students([folder], [course.exercise(i) for i in ids], timeout, 2 * (os.cpu_count() or 1))


def _grade_child(folder: Path, config: dict) -> dict:
    """Grade in a child process (as GRADER_USER where it exists and we are root); return its JSON."""
    command = [sys.executable, "-m", "channels_lab.gradescope", "grade", str(folder)]
    if os.geteuid() == 0 and _grader_user():
        command = ["runuser", "-u", GRADER_USER, "--", *command]
    limit = 120 + len(config["only"]) * (config["timeout"] + 60)
    done = subprocess.run(command, input=json.dumps(config), capture_output=True, text=True, timeout=limit)
    sys.stderr.write(done.stderr[-20000:])
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the grading stopped (exit status {done.returncode}): "
                           f"{(done.stderr.strip().splitlines() or ['no output'])[-1][:300]}")
    return json.loads(lines[-1])


def run(root: Path) -> dict:
    """run_autograder: grade /autograder/submission with the zip's tests; write results/results.json.

    Whatever goes wrong (a broken zip, a grading that crashed or hung), results.json is written:
    score 0 and one line saying what happened, rather than Gradescope's bare "autograder failed".
    """
    start = time.monotonic()
    (root / "results").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="channels-lab-submission-"))
    exercises: list[course.Exercise] = []
    try:
        config = json.loads((REPO_ROOT / CONFIG).read_text(encoding="utf-8"))
        exercises = _selected(config["only"])
        found = collect(root / "submission", work, exercises)
        print(f"grading {', '.join(sorted(found)) or 'nothing'} from {root / 'submission'} "
              f"with the tests of {REPO_ROOT}", flush=True)
        if os.geteuid() == 0 and _grader_user():
            work.chmod(0o755)
            for path in [work, *work.iterdir()]:
                shutil.chown(path, GRADER_USER)
        results = _grade_child(work, config)
        if not isinstance(results.get("score"), (int, float)) or not isinstance(results.get("tests"), list):
            raise ValueError("the grading printed something other than results")
    except Exception as error:  # noqa: BLE001 - every failure becomes a results.json the student can read
        print(f"the autograder failed: {type(error).__name__}: {error}", file=sys.stderr)
        total = sum(ex.points for ex in exercises)
        said = f"The autograder could not grade this submission: {error}"
        results = {"score": 0, "output": said, "stdout_visibility": "hidden",
                   "tests": [{"name": "autograder", "score": 0, "max_score": total, "status": "failed",
                              "output": said}]}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["execution_time"] = round(time.monotonic() - start)
    (root / "results" / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                    encoding="utf-8")
    print(f"score {results['score']:g}; wrote {root / 'results' / 'results.json'}")
    return results


def _grader_user() -> bool:
    try:
        pwd.getpwnam(GRADER_USER)
        return True
    except KeyError:
        return False


def grade_main(folder: Path) -> None:
    """The child of ``run``: read the config on stdin, grade ``folder``, print results.json as one line."""
    from .classroom import sandbox_note
    from .cli import feedback

    config = json.loads(sys.stdin.read())
    note = sandbox_note()  # here, as the user who grades: bubblewrap may work for root and not for it
    start = time.monotonic()
    results = grade_folder(folder, config["only"], float(config["timeout"]))
    text = feedback("this submission", results)
    print(json.dumps(results_json(results, config["visibility"], text, note, time.monotonic() - start),
                     ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m channels_lab.gradescope", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="write the autograder zip")
    make.add_argument("--out", type=Path, default=REPO_ROOT.parent / "channels-lab-gradescope.zip")
    make.add_argument("--only", help="the assignment's exercises, comma-separated (default all)")
    make.add_argument("--visibility", default="visible", choices=VISIBILITIES, help="when students see each test")
    make.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per exercise")
    make.add_argument("--ref", default="HEAD", help="the commit to release (default HEAD), or 'worktree'")
    go = commands.add_parser("run", help="grade /autograder/submission (run_autograder)")
    go.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder")))
    child = commands.add_parser("grade", help="(run's child) grade a folder, config on stdin")
    child.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        out = build(args.out, args.only, args.visibility, args.timeout, args.ref)
        print(f"wrote {out}: upload it as the assignment's autograder on Gradescope")
    elif args.command == "run":
        run(args.root)
    else:
        grade_main(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
