"""Learner and instructor commands (the Makefile's status, hint, check, watch, grade, grade-class).

    python -m channels_lab.cli status
    python -m channels_lab.cli hint ex01                # reveal the next hint
    python -m channels_lab.cli check ex01 [--folder DIR]
    python -m channels_lab.cli watch
    python -m channels_lab.cli grade DIR
    python -m channels_lab.cli grade-class DIR [--out grades]

Common options: --timeout SECONDS per exercise (default 30), --jobs N runs at once,
--only ex01,ex02 to grade some exercises (an assignment) rather than all.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import course, hints as hint_state
from .grading import DEFAULT_TIMEOUT, ExerciseResult, grade
from .sandbox import SANDBOX_MISSING, Sandbox

MARKS = {"done": "✓", "not yet": "✗", "broken": "!"}


def describe(result: ExerciseResult, hints: bool | int = True) -> str:
    """A learner's view of one result: each test with pass or fail and why, then hints if it failed.

    A reason repeated by the next failed test (a stub fails each test the same way) is printed once.

    ``hints`` is how many hints to show (the first ones), True for all, False for none.
    """
    ex = result.exercise
    shown = len(ex.hints) if hints is True else int(hints)
    lines = [f"{ex.id} · {ex.title}: {result.status} "
             f"({result.passed}/{len(result.tests)} tests, {result.points:g}/{ex.points} points)"]
    if result.broken:
        lines.append(f"  ! {result.broken}")
    last_reason = None
    for test in result.tests:
        line = f"  {'✓' if test.passed else '–' if test.skipped else '✗'} {test.description}"
        if not test.passed and test.message == last_reason:
            line += "  (same reason as above)"
        lines.append(line)
        if not test.passed and test.message != last_reason:
            lines.append(f"      {test.message}")
            last_reason = test.message
    if result.status != "done" and shown:
        lines += hint_lines(ex, shown)
        lines.append(f"Read {ex.see()}; edit exercises/{ex.file}, save it, then check again "
                     "(or leave `make watch` running).")
        if shown < len(ex.hints):
            lines.append(f"A check of your edited file that still fails shows hint {shown + 1}; "
                         f"to see it now: make hint EX={ex.id}, or in a cell: "
                         f"from channels_lab import hint; hint(\"{ex.id}\")")
    return "\n".join(lines)


def hint_lines(ex: course.Exercise, shown: int) -> list[str]:
    return [f"Hint {n} of {len(ex.hints)}: {text}" for n, text in enumerate(ex.hints[:shown], 1)]


def checked(exercise: course.Exercise, folder: Path, timeout: float) -> ExerciseResult:
    """A learner's check: grade, print with the hints this attempt earns (channels_lab/hints.py), return the result."""
    result = grade(exercise, folder, timeout)
    shown = hint_state.after_check(exercise, Path(folder) / exercise.file, result.status == "done")
    print(describe(result, hints=shown), flush=True)
    return result


def check(exercise_id: str, folder: Path = course.EXERCISES_DIR, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Run one exercise's tests against the learner's file and print what passed, what failed and why.

    This is the check cell at the end of each notebook: ``check("ex01")``. A failed check shows the
    first hint; a failed check of a changed file shows one more (channels_lab/hints.py).
    """
    checked(course.exercise(exercise_id), folder, timeout)


def selected(only: str | None = None) -> list[course.Exercise]:
    """The exercises in course order, or those named in ``only`` ("ex01,ex02")."""
    if not only:
        return course.exercises()
    return [course.exercise(exercise_id.strip()) for exercise_id in only.split(",")]


def grade_folder(folder: Path, timeout: float, jobs: int, only: str | None = None) -> list[ExerciseResult]:
    """Every exercise (or those in ``only``) graded against ``folder``, in course order."""
    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(lambda ex: grade(ex, folder, timeout), selected(only)))


def status(folder: Path, timeout: float, jobs: int) -> str:
    results = grade_folder(folder, timeout, jobs)
    done = sum(r.status == "done" for r in results)
    lines = [f"Progress: {done}/{len(results)} exercises done, "
             f"{sum(r.points for r in results):g}/{sum(r.exercise.points for r in results)} points"]
    for r in results:
        note = f"  {r.broken}" if r.broken else ""
        hints = f"hints {hint_state.seen(r.exercise)}/{len(r.exercise.hints)}"
        lines.append(f"  {MARKS[r.status]} {r.exercise.id}  {r.status:<8} {hints}  {r.exercise.title}  "
                     f"(notebooks/{r.exercise.notebook}.ipynb){note}")
    upcoming = next((r for r in results if r.status != "done"), None)
    if upcoming:
        ex = upcoming.exercise
        lines.append(f"Next: {ex.id} · {ex.title}. Read notebooks/{ex.notebook}.ipynb, "
                     f"edit exercises/{ex.file}, then run: make check EX={ex.id}")
    else:
        lines.append("Every exercise is done. Well played!")
    return "\n".join(lines)


def hint(exercise_id: str) -> str:
    """Reveal the next hint of an exercise (``make hint EX=ex01``) and show every hint seen so far."""
    ex = course.exercise(exercise_id)
    shown, revealed = hint_state.reveal_next(ex)
    lines = [f"{ex.id} · {ex.title} (taught in {ex.see()}; file exercises/{ex.file})"]
    lines += hint_lines(ex, shown)
    if not revealed:
        lines.append(f"That is every hint of {ex.id}; the notebook section named above teaches the rest.")
    elif shown < len(ex.hints):
        lines.append(f"{len(ex.hints) - shown} more: make hint EX={ex.id} again, or check a changed file.")
    return "\n".join(lines)


def watch(folder: Path, timeout: float, interval: float = 0.5) -> None:
    """Re-check an exercise each time its file is saved, until Ctrl-C."""
    files = {ex.file: ex for ex in course.exercises()}
    seen = {name: _mtime(folder / name) for name in files}
    print(f"Watching {folder}/ — save an exercise file to check it; Ctrl-C to stop.", flush=True)
    try:
        while True:
            time.sleep(interval)
            for name, ex in files.items():
                stamp = _mtime(folder / name)
                if stamp != seen[name]:
                    seen[name] = stamp
                    print(f"\n--- {time.strftime('%H:%M:%S')} {name} saved", flush=True)
                    checked(ex, folder, timeout)
    except KeyboardInterrupt:
        print("\nStopped watching.")


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


def grade_report(folder: Path, timeout: float, jobs: int, only: str | None = None) -> tuple[str, list[ExerciseResult]]:
    """An instructor's table for one submission: points per exercise, reasons, total."""
    results = grade_folder(folder, timeout, jobs, only)
    lines = [f"Grading {folder}"]
    for r in results:
        reason = f"  {r.broken}" if r.broken else ""
        lines.append(f"  {r.exercise.id}  {r.points:>5g}/{r.exercise.points:<3} "
                     f"{r.passed}/{len(r.tests)} tests{reason}")
    total = sum(r.points for r in results)
    lines.append(f"  total {total:g}/{sum(r.exercise.points for r in results)}")
    return "\n".join(lines), results


def feedback(student: str, results: list[ExerciseResult]) -> str:
    """One student's feedback file: every exercise's points, each failed test with its message and the
    notebook section that teaches it; an exercise handed in as shipped is one line, "not attempted"."""
    total = sum(r.points for r in results)
    lines = [f"# Feedback for {student}", "",
             f"Total: {total:g} / {sum(r.exercise.points for r in results)} points", ""]
    if not all(r.sandboxed for r in results):
        lines += [f"Note: {SANDBOX_MISSING}.", ""]
    for r in results:
        lines.append(f"## {r.exercise.id} · {r.exercise.title}: {r.points:g} / {r.exercise.points}")
        if r.not_attempted and not r.broken and r.points == 0:
            lines.append(f"- not attempted: {r.exercise.file} is the file as shipped (see {r.exercise.see()})")
            lines.append("")
            continue
        if r.broken:
            lines.append(f"- {r.broken} (see {r.exercise.see()})")
        for test in r.failures:
            lines.append(f"- failed: {test.description}: {test.message}")
            lines.append(f"  see {r.exercise.see(test.name)}")
        if r.status == "done":
            lines.append("- all tests passed")
        lines.append("")
    return "\n".join(lines)


def grade_students(folders: list[Path], exercises: list[course.Exercise], timeout: float,
                   jobs: int) -> list[ExerciseResult]:
    """Every (folder, exercise) graded, folder by folder: one warm sandbox per folder, closed after its last run."""
    lock = threading.Lock()
    boxes: dict[Path, Sandbox] = {}
    remaining = {folder: len(exercises) for folder in folders}

    def run(pair):
        folder, exercise = pair
        with lock:
            box = boxes.get(folder)
            if box is None or box._gone:  # a run that killed its worker costs only itself a fresh one
                if box is not None:
                    box.close()
                box = boxes[folder] = Sandbox()
        try:
            return grade(exercise, folder, timeout, sandbox=box)
        finally:
            with lock:
                remaining[folder] -= 1
                last = remaining[folder] == 0
                if last:
                    boxes.pop(folder, None)
            if last:
                box.close()

    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(run, [(folder, exercise) for folder in folders for exercise in exercises]))


def warn_if_unsandboxed(results: list[ExerciseResult]) -> None:
    if not all(r.sandboxed for r in results):
        print(f"warning: {SANDBOX_MISSING}", file=sys.stderr)


def grade_class(class_folder: Path, out: Path, timeout: float, jobs: int, only: str | None = None) -> Path:
    """Grade every student subfolder; write grades.csv and feedback/<student>.md under ``out``."""
    students = sorted(p for p in class_folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    exercises = selected(only)
    graded = grade_students(students, exercises, timeout, jobs)
    warn_if_unsandboxed(graded)
    by_student = {s.name: graded[i * len(exercises):(i + 1) * len(exercises)] for i, s in enumerate(students)}
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    with (out / "grades.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *(ex.id for ex in exercises), "total"])
        for student, results in by_student.items():
            writer.writerow([student, *(f"{r.points:g}" for r in results), f"{sum(r.points for r in results):g}"])
            (out / "feedback" / f"{student}.md").write_text(feedback(student, results), encoding="utf-8")
            broken = [r.broken for r in results if r.broken]
            print(f"{student}: {sum(r.points for r in results):g} points" + (f" ({'; '.join(broken)})" if broken else ""))
    return out / "grades.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="channels_lab.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["status", "hint", "check", "watch", "grade", "grade-class"])
    parser.add_argument("target", nargs="?", help="an exercise id (hint, check) or a folder (grade, grade-class)")
    parser.add_argument("--folder", type=Path, default=course.EXERCISES_DIR, help="the learner's folder (default exercises/)")
    parser.add_argument("--out", type=Path, default=Path("grades"), help="where grade-class writes (default grades/)")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("TIMEOUT") or DEFAULT_TIMEOUT))
    parser.add_argument("--jobs", type=int, default=2 * (os.cpu_count() or 1),
                        help="runs at once (default twice the cores: most tests wait on servers)")
    parser.add_argument("--only", help="grade only these exercises, comma-separated (grade, grade-class)")
    args = parser.parse_args(argv)
    needs_target = {"hint": "an exercise id, as in: make hint EX=ex01", "check": "an exercise id, as in: make check EX=ex01",
                    "grade": "a submission folder, as in: make grade SUBMISSION=path/to/folder",
                    "grade-class": "a class folder, as in: make grade-class CLASS=path/to/class"}
    if args.command in needs_target and not args.target:
        parser.error(f"{args.command} needs {needs_target[args.command]}")
    try:
        if args.command == "status":
            print(status(args.folder, args.timeout, args.jobs))
        elif args.command == "hint":
            print(hint(args.target))
        elif args.command == "check":
            result = checked(course.exercise(args.target), args.folder, args.timeout)
            return 0 if result.status == "done" else 1
        elif args.command == "watch":
            watch(args.folder, args.timeout)
        elif args.command in ("grade", "grade-class"):
            folder = Path(args.target)
            if not folder.is_dir():
                parser.error(f"{folder} is not a folder")
            if args.command == "grade":
                report, results = grade_report(folder, args.timeout, args.jobs, args.only)
                warn_if_unsandboxed(results)
                print(report)
            else:
                written = grade_class(folder, args.out, args.timeout, args.jobs, args.only)
                print(f"wrote {written} and {args.out / 'feedback'}/")
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
