"""Where a submission's tests run: a bubblewrap sandbox holding a warm worker that forks one child per run.

The sandbox (Linux, ``bwrap``) sees the installed Python and venv, the helper package, the demo project,
course.toml, the notebook sources and the exercise tests (without the wrong-answer catalogue); not
``solutions/``, not the catalogue, not the class folder. It may write only its scratch folder (the
"box", one sub-folder per run holding a copy of the submitted files) and a private ``/tmp``; its
network is a loopback of its own. Without bubblewrap (macOS) the worker runs unsandboxed and
``SANDBOX_MISSING`` says so. See docs/DECISIONS.md, "Grading v2".

One ``Sandbox`` serves one submission folder (one student); it runs several exercises at once.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

from .servers import REPO_ROOT

BWRAP_ENV = "CHANNELS_LAB_BWRAP"  # a path to bwrap, or empty to grade without a sandbox
SANDBOX_MISSING = "graded without a sandbox: bubblewrap (bwrap) is not installed, so submissions could read solutions/"
START_TIMEOUT = 120.0  # the warm worker's imports, on a loaded machine
HIDDEN = (REPO_ROOT / "tests" / "exercises" / "catalogue",)
VISIBLE = ("channels_lab", "demo_project", "course.toml", "pyproject.toml", "notebooks_src",
           "tests/conftest.py", "tests/exercises")


def bwrap_path() -> str | None:
    if (chosen := os.environ.get(BWRAP_ENV)) is not None:
        return chosen if chosen and os.access(chosen, os.X_OK) else None
    return shutil.which("bwrap")


def bwrap_command(bwrap: str, box: Path) -> list[str]:
    """bwrap's arguments: read-only system and course files, a writable box, fresh /tmp, pid and net namespaces."""
    command = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
               "--unshare-uts", "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for system in ("/usr", "/etc", "/opt"):
        if os.path.isdir(system):
            command += ["--ro-bind", system, system]
    for link in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(link):
            command += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            command += ["--ro-bind", link, link]
    pythons = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)}
    pythons.add(os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))))
    for path in sorted(pythons):
        command += ["--ro-bind", path, path]
    for name in VISIBLE:
        path = REPO_ROOT / name
        if path.exists():
            command += ["--ro-bind", str(path), str(path)]
    for path in HIDDEN:
        if path.is_dir():
            command += ["--tmpfs", str(path), "--remount-ro", str(path)]
    command += ["--bind", str(box), str(box), "--chdir", str(box),
                "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp"]
    return command + ["--"]


def copy_submission(folder: Path, run_dir: Path) -> None:
    """Copy the folder's regular top-level files (never through a symlink) into the run's own folder."""
    run_dir.mkdir()
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) and entry.name.endswith(".py") and entry.stat(follow_symlinks=False).st_size < 2**20:
            shutil.copyfile(entry.path, run_dir / entry.name, follow_symlinks=False)


class SandboxGone(Exception):
    """The sandbox's worker stopped (the submission killed it, or it could not start)."""


class Sandbox:
    """One warm worker (sandboxed when bubblewrap is here) that runs pytest in a forked child per request."""

    total_warm_cpu = 0.0  # CPU seconds every worker of this process spent warming up (benchmarks/grading.py)

    def __init__(self) -> None:
        self.box = Path(tempfile.mkdtemp(prefix="channels-lab-grade-"))
        self.bwrap = bwrap_path() if sys.platform.startswith("linux") else None
        try:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        except OSError:  # macOS has no SEQPACKET: datagrams keep the messages apart too, without an EOF
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        command = [sys.executable, "-m", "channels_lab.grading_worker", str(theirs.fileno())]
        if self.bwrap:
            command = bwrap_command(self.bwrap, self.box) + command
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHANNELS_LAB_SUBMISSION")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        self._log = (self.box / "worker.log").open("wb")
        self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()], cwd=self.box, env=env,
                                        stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        theirs.close()
        self._control = ours
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[threading.Event, dict]] = {}
        self._ready = threading.Event()
        self._gone = self._closed = False
        self._ids = itertools.count(1)
        self.users = 0
        self.warm_cpu = 0.0  # CPU seconds the worker spent importing, reported when it is ready
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        self._control.settimeout(0.5)
        while True:
            try:
                message = self._control.recv(65536)
            except TimeoutError:
                if self.process.poll() is None:
                    continue
                message = b""
            except OSError:
                message = b""
            if not message:
                break
            reply = json.loads(message)
            if reply.get("ready"):
                self.warm_cpu = reply.get("cpu", 0.0)
                Sandbox.total_warm_cpu += self.warm_cpu
                self._ready.set()
                continue
            with self._lock:
                waiter = self._pending.pop(reply["job"], None)
            if waiter:
                waiter[1].update(reply)
                waiter[0].set()
        with self._lock:
            self._gone = True
            waiting, self._pending = list(self._pending.values()), {}
        self._ready.set()
        for event, reply in waiting:
            reply["gone"] = True
            event.set()

    def worker_output(self) -> str:
        try:
            return (self.box / "worker.log").read_bytes()[-2000:].decode(errors="replace").strip()
        except OSError:
            return ""

    def run(self, folder: Path, arguments: list[str], timeout: float, on_output) -> tuple[dict, bytes]:
        """Run pytest with ``arguments`` against a copy of ``folder``; ``on_output(bytes)`` gets the report channel.

        Returns the worker's reply ({"status": exit status} or {"timeout": true} or {"gone": true}) and the
        last 2000 bytes of the run's output.
        """
        if not self._ready.wait(START_TIMEOUT) or self._gone:
            raise SandboxGone(self.worker_output().splitlines()[-1:] or "the grading worker did not start")
        job = next(self._ids)
        run_dir = self.box / f"run{job}"
        copy_submission(folder, run_dir)
        output = self.box / f"output{job}.txt"
        read_end, write_end = os.pipe()
        event, reply = threading.Event(), {}
        with self._lock:
            if self._gone:
                raise SandboxGone("the grading worker stopped")
            self._pending[job] = (event, reply)
        try:
            with output.open("wb") as sink:
                request = {"job": job, "dir": str(run_dir), "args": arguments, "timeout": timeout}
                socket.send_fds(self._control, [json.dumps(request).encode()], [write_end, sink.fileno()])
            os.close(write_end)
            write_end = -1
            os.set_blocking(read_end, False)
            deadline_missed = not _pump(read_end, event, timeout + 30.0, on_output)
            if deadline_missed:  # the worker did not answer: nothing in this sandbox can be trusted
                self.close()
                reply.setdefault("timeout", True)
            return reply, _tail(output)
        finally:
            if write_end >= 0:
                os.close(write_end)
            os.close(read_end)
            shutil.rmtree(run_dir, ignore_errors=True)
            output.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = self._gone = True
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self._control.close()
        self._log.close()
        shutil.rmtree(self.box, ignore_errors=True)


def _tail(path: Path, size: int = 2000) -> bytes:
    try:
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - size))
            return f.read()
    except OSError:
        return b""


def _pump(fd: int, done: threading.Event, limit: float, on_output) -> bool:
    """Hand what arrives on ``fd`` to ``on_output`` until ``done`` (then drain); False if ``limit`` passed first."""
    deadline = time.monotonic() + limit
    while True:
        finished = done.is_set()
        ready, _, _ = select.select([fd], [], [], 0.05)
        closed = False
        while ready:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                closed = True
                break
            on_output(chunk)
        if finished:
            return True
        if closed:  # every writer is gone: only the worker's reply is left to wait for
            return done.wait(max(0.0, deadline - time.monotonic()))
        if time.monotonic() > deadline:
            return False


class Pool:
    """Warm sandboxes kept per submission folder (a learner's exercises/, or a test's folder), a few at a time."""

    def __init__(self, keep: int = 4) -> None:
        self.keep = keep
        self._lock = threading.Lock()
        self._boxes: OrderedDict[Path, Sandbox] = OrderedDict()
        atexit.register(self.close)

    def acquire(self, folder: Path) -> Sandbox:
        with self._lock:
            box = self._boxes.get(folder)
            if box is None or box._gone:
                box = self._boxes[folder] = Sandbox()
            self._boxes.move_to_end(folder)
            box.users += 1
            return box

    def release(self, folder: Path, box: Sandbox) -> None:
        with self._lock:
            box.users -= 1
            idle = [(f, b) for f, b in self._boxes.items() if b.users == 0]
            surplus = len(self._boxes) - self.keep
            closing = []
            for f, b in idle[:max(surplus, 0)]:
                del self._boxes[f]
                closing.append(b)
            if box._gone and self._boxes.get(folder) is box and box.users == 0:
                del self._boxes[folder]
                closing.append(box)
        for b in closing:
            b.close()

    def close(self) -> None:
        with self._lock:
            boxes, self._boxes = list(self._boxes.values()), OrderedDict()
        for box in boxes:
            box.close()


POOL = Pool()
