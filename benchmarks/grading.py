"""How long does grading a class take? Builds a class of submissions and grades it with every core.

    python -m benchmarks.grading [--students 30] [--jobs N] [--timeout 30]

A third of the class is solved (copies of solutions/), a third is the unsolved stubs, and a
third is solved except for one endless loop (which costs a full timeout), so the figure
includes the worst case a real class brings.
"""

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from channels_lab import course
from channels_lab.cli import grade_class


def build_class(root: Path, students: int) -> None:
    for n in range(students):
        folder = root / f"student{n:02d}"
        kind = n % 3
        shutil.copytree(course.EXERCISES_DIR if kind == 1 else course.SOLUTIONS_DIR, folder)
        if kind == 2:
            (folder / course.exercises()[0].file).write_text("while True:\n    pass\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="channels-lab-class-") as scratch:
        root = Path(scratch)
        build_class(root / "class", args.students)
        started = time.monotonic()
        grade_class(root / "class", root / "grades", args.timeout, args.jobs)
        wall = time.monotonic() - started
    runs = args.students * len(course.exercises())
    print(f"\n{args.students} submissions x {len(course.exercises())} exercises = {runs} isolated runs "
          f"on {args.jobs} jobs ({os.cpu_count()} cores), timeout {args.timeout:g} s")
    print(f"wall time {wall:.1f} s; {wall / args.students:.2f} s per submission; {wall / runs:.2f} s per run")


if __name__ == "__main__":
    main()
