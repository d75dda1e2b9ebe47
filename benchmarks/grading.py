"""How long does grading a class take? Grades two classes as grade_class does, then check() latency.

    python -m benchmarks.grading [--students 30] [--mixed-students N] [--jobs N] [--timeout 30] [--skip-latency]

First a class of honest submissions (every one a copy of solutions/: every test of every exercise
runs), then a mixed class: a third solved, a third the unsolved stubs, a third solved except for
an endless loop in ex01 (each costs its timeout once, in parallel with other runs). Then
benchmarks.check_latency's table (a learner's check() per exercise).
"""

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from channels_lab import course
from channels_lab.cli import grade_students
from channels_lab.sandbox import Sandbox

from . import check_latency


def build_class(root: Path, students: int, mixed: bool) -> None:
    for n in range(students):
        folder = root / f"student{n:02d}"
        kind = n % 3 if mixed else 0
        shutil.copytree(course.EXERCISES_DIR if kind == 1 else course.SOLUTIONS_DIR, folder)
        if kind == 2:
            (folder / course.exercises()[0].file).write_text("while True:\n    pass\n")


def grade_one_class(students: int, jobs: int, timeout: float, mixed: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="channels-lab-class-") as scratch:
        root = Path(scratch)
        build_class(root / "class", students, mixed)
        students_folders = sorted(p for p in (root / "class").iterdir() if p.is_dir())
        started, warm = time.monotonic(), Sandbox.total_warm_cpu
        results = grade_students(students_folders, course.exercises(), timeout, jobs)
        wall = time.monotonic() - started
        warm, runs_cpu = Sandbox.total_warm_cpu - warm, sum(r.cpu for r in results)
        cpu = warm + runs_cpu
    runs = students * len(course.exercises())
    kind = "mixed (1/3 solved, 1/3 stubs, 1/3 with an endless loop)" if mixed else "honest (all solved)"
    print(f"\n{kind}: {students} submissions x {len(course.exercises())} exercises = {runs} isolated runs "
          f"on {jobs} jobs ({os.cpu_count()} cores), timeout {timeout:g} s")
    print(f"wall time {wall:.1f} s; {wall / students:.2f} s per submission; {wall / runs:.2f} s per run; "
          f"CPU {cpu:.0f} s in all ({cpu / students:.1f} s per submission: {warm / students:.1f} s warming "
          f"the sandbox's worker, {runs_cpu / students:.1f} s in its runs and the servers they start)", flush=True)
    per_exercise: dict[str, list[float]] = {}
    for r in results:
        per_exercise.setdefault(r.exercise.id, []).append(r.cpu)
    heavy = sorted(per_exercise.items(), key=lambda item: -sum(item[1]))[:6]
    broken = [r.broken for r in results if r.broken]
    print(f"runs done {sum(r.status == 'done' for r in results)}, not yet {sum(r.status == 'not yet' for r in results)}, "
          f"broken {len(broken)}" + (f" (first: {broken[0]})" if broken else ""))
    if not mixed:  # every submission is the reference: a run judged otherwise is a test that flaked
        for r in results:
            if r.status != "done":
                failed = next((t for t in r.tests if not t.passed and not t.skipped), None)
                why = r.broken or (f"{failed.description}: {failed.message}" if failed else "no tests ran")
                print(f"  an honest {r.exercise.id} judged {r.status}: {why[:300]}")
    print("most CPU per run (mean): " + ", ".join(f"{ex} {sum(c) / len(c):.1f} s" for ex, c in heavy), flush=True)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--mixed-students", type=int, help="size of the mixed class (default: --students)")
    parser.add_argument("--jobs", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    grade_one_class(args.students, args.jobs, args.timeout, mixed=False)
    grade_one_class(args.mixed_students or args.students, args.jobs, args.timeout, mixed=True)
    if not args.skip_latency:
        print()
        check_latency.main([])


if __name__ == "__main__":
    main()
