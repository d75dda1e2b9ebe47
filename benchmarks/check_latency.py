"""How long does a learner's check("exNN") take? One row per exercise, solved and as shipped.

    python -m benchmarks.check_latency [--only ex01,ex02] [--repeat 3]

check() keeps one warm sandbox per folder for the life of the process (the notebook's kernel), so
the first check of a session also pays the sandbox's start-up (printed once, first); each row is
then the best of ``--repeat`` checks, against solutions/ (every test runs) and exercises/ (the stub).
"""

import argparse
import time

from channels_lab import course
from channels_lab.grading import grade
from channels_lab.sandbox import POOL


def timed(exercise, folder) -> tuple[float, str]:
    started = time.monotonic()
    result = grade(exercise, folder)
    return time.monotonic() - started, result.status


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="exercise ids, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    exercises = [course.exercise(e) for e in args.only.split(",")] if args.only else course.exercises()
    first, _ = timed(course.exercise("ex15"), course.SOLUTIONS_DIR)
    print(f"first check of a session (sandbox start-up included): {first:.2f} s")
    print("| exercise | solved | as shipped |")
    print("|---|---:|---:|")
    for exercise in exercises:
        cells = []
        for folder in (course.SOLUTIONS_DIR, course.EXERCISES_DIR):
            runs = [timed(exercise, folder) for _ in range(args.repeat)]
            cells.append(f"{min(t for t, _ in runs):.2f} s ({runs[0][1]})")
        print(f"| {exercise.id} | {cells[0]} | {cells[1]} |", flush=True)
    POOL.close()


if __name__ == "__main__":
    main()
