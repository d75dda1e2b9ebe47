"""The student release: the course as a classroom hands it out, without anything that reveals a reference.

    python -m channels_lab.release OUT [--ref HEAD] [--course-repo OWNER/NAME --course-commit SHA]

It copies the files git tracks (``--ref HEAD``: as committed; ``--ref worktree``: tracked files as they
are on disk), so untracked files are never shipped, and keeps only what a learner uses: the notebooks
and their sources, the exercise stubs, the graded tests and their helpers, the helper package, the demo
project, the load-test benchmarks notebook 12 imports, the Makefile, the environment files and the docs.
Left out: ``solutions/``; the wrong-answer catalogue (each wrong answer is the reference with one
change); the grading-attack fixtures and every maintainers' test or benchmark that reads the references
(tests/test_exercise_system.py checks both sides, so in a release only the graded tests make sense);
``.ci/``. It adds ``.github/workflows/classroom.yml`` (channels_lab/classroom.py), which grades a
student's repository with the tests of the course release pinned by ``--course-commit``.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

from .servers import REPO_ROOT

MARKER = ".channels-lab-release"  # written into every release: a later build may replace the folder
# What a learner's copy holds (prefixes of tracked paths); everything else stays with the instructors.
SHIPPED = ("notebooks/", "notebooks_src/", "exercises/", "channels_lab/", "demo_project/", "jupyter_config/",
           "benchmarks/", "docs/", "tests/conftest.py", "tests/exercises/", "tests/nbval_sanitize.cfg",
           "Makefile", "README.md", "course.toml", "pyproject.toml", "requirements.in", "requirements.lock",
           "environment.yml", "postBuild", ".gitignore")
# Inside SHIPPED, what reveals or runs a reference.
WITHHELD = ("tests/exercises/catalogue/", "benchmarks/grading.py", "benchmarks/check_latency.py")
README_NOTE = """> **Student release.** This copy of Channels Lab has no `solutions/` and no wrong-answer catalogue:
> your instructor grades your `exercises/` with the course's own tests. `make lab`, `make check EX=ex01`,
> `make hint EX=ex01`, `make status` and `make watch` work as described below.

"""
COMMIT = re.compile(r"[0-9a-f]{40}")


def shipped(path: str) -> bool:
    """Whether the tracked file ``path`` belongs in the student release."""
    if path.startswith(WITHHELD) or "__pycache__" in path:
        return False
    return any(path == entry or (entry.endswith("/") and path.startswith(entry)) for entry in SHIPPED)


def _git(*args: str, repo: Path = REPO_ROOT) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def tracked_files(repo: Path = REPO_ROOT, untracked: bool = False) -> list[str]:
    """The files git tracks in ``repo`` (its index), as relative paths; with ``untracked``, also those not ignored."""
    listed = _git("ls-files", "-z", *(["--cached", "--others", "--exclude-standard"] if untracked else []), repo=repo)
    return sorted({p for p in listed.decode().split("\0") if p})


def _prepare(out: Path) -> None:
    """An empty ``out``, or a previous release emptied (its .git kept, so a release repository can be rebuilt)."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise SystemExit(f"{out} is not empty and is not a previous release; choose an empty or new folder")
        for entry in out.iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    out.mkdir(parents=True, exist_ok=True)


def build(out: Path, ref: str = "HEAD", course_repo: str = "", course_commit: str = "",
          repo: Path = REPO_ROOT, untracked: bool = False) -> list[str]:
    """Write the student release of ``repo`` into ``out``; return the relative paths written, sorted.

    ``ref`` is a commit (its tracked files as committed) or ``"worktree"`` (tracked files as on disk).
    ``course_repo``/``course_commit`` pin the release whose tests the GitHub Classroom workflow uses.
    ``untracked`` (tests only, with ``"worktree"``) adds the files git does not ignore but does not track yet.
    """
    from . import classroom

    if not (repo / "solutions").is_dir():
        raise SystemExit(f"{repo} has no solutions/: it is already a student release")
    if course_commit and not COMMIT.fullmatch(course_commit):
        raise SystemExit(f"--course-commit must be a full 40-hex commit id, not {course_commit!r}")
    if bool(course_repo) != bool(course_commit):
        raise SystemExit("give both --course-repo and --course-commit, or neither")
    out, root = Path(out).resolve(), repo.resolve()
    if out.is_relative_to(root):
        raise SystemExit(f"write the release outside the repository (it becomes a repository of its own), not to {out}")
    _prepare(out)
    written = []
    if ref == "worktree":
        for path in tracked_files(repo, untracked):
            source = repo / path
            if shipped(path) and source.is_file() and not source.is_symlink():
                (out / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, out / path)
                written.append(path)
        source_commit = _git("rev-parse", "HEAD", repo=repo).decode().strip() + " plus uncommitted edits"
    else:
        archive = tarfile.open(fileobj=io.BytesIO(_git("archive", "--format=tar", ref, repo=repo)))
        for member in archive.getmembers():
            if member.isfile() and shipped(member.name):
                target = out / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())
                target.chmod(member.mode & 0o777)
                written.append(member.name)
        source_commit = _git("rev-parse", f"{ref}^{{commit}}", repo=repo).decode().strip()
    readme = out / "README.md"
    readme.write_text(README_NOTE + readme.read_text(encoding="utf-8"), encoding="utf-8")
    with (out / "course.toml").open("rb") as f:
        exercise_ids = [entry["id"] for entry in tomllib.load(f).get("exercises", [])]
    for path, text in classroom.files(course_repo, course_commit, exercise_ids).items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text, encoding="utf-8")
        written.append(path)
    (out / MARKER).write_text(json.dumps({"built_from": source_commit, "course_repo": course_repo,
                                          "course_commit": course_commit}, indent=2) + "\n", encoding="utf-8")
    written.append(MARKER)
    return sorted(written)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m channels_lab.release", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="the folder to write (empty, new, or a previous release)")
    parser.add_argument("--ref", default="HEAD", help="a commit to release (default HEAD), or 'worktree'")
    parser.add_argument("--course-repo", default="", help="OWNER/NAME of the course release on GitHub")
    parser.add_argument("--course-commit", default="", help="the commit of that release whose tests grade")
    args = parser.parse_args(argv)
    written = build(args.out, args.ref, args.course_repo, args.course_commit)
    pin = f"graded with {args.course_repo}@{args.course_commit}" if args.course_commit else (
        "its workflow is not pinned yet: push it, then rebuild with COURSE_REPO=... COURSE_COMMIT=<that commit>")
    print(f"wrote the student release ({len(written)} files) to {args.out}; {pin}")


if __name__ == "__main__":
    sys.exit(main())
