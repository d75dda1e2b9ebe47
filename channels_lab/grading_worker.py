"""The warm worker inside a sandbox: imports pytest, Django and Channels once, then forks a child per run.

    python -m channels_lab.grading_worker CONTROL_FD

The grader sends each request over the control socket (a SEQPACKET socket) with two descriptors:
the write end of the run's report pipe and its output file. The child gets its own session and
process group, an output cap (RLIMIT_FSIZE) and the request's folder as its working folder and
submission; the worker kills the child's group at the timeout or when it ends, and answers
``{"job": N, "status": exit status}`` or ``{"job": N, "timeout": true}``.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import select
import signal
import socket
import sys
import time

OUTPUT_LIMIT = 8 * 1024 * 1024
# What the exercise tests import beyond pytest, Django and Channels (measured: each costs a child 0.1-0.5 s).
OFTEN_IMPORTED = (
    "pdb", "readline", "faulthandler", "_pytest._argcomplete", "encodings.idna", "encodings.unicode_escape", "tomllib", "xml.etree.ElementTree", "channels_lab.course", "channels_lab.grading",
    "channels_lab.report_plugin", "channels_lab.servers", "channels_lab.testing", "channels_lab.browser",
    "websockets.sync.client", "websockets.sync.server", "websockets.asyncio.client", "channels.auth",
    "channels.security.websocket", "channels.sessions", "channels.worker", "django.contrib.sessions.backends.db",
    "channels_redis.core", "redis.asyncio", "playwright.async_api",
)


def warm() -> None:
    """Import what every run needs, so each forked child starts with it."""
    import _pytest.python  # noqa: F401
    import asgiref.testing  # noqa: F401
    import channels.generic.websocket  # noqa: F401
    import channels.testing  # noqa: F401
    import pytest  # noqa: F401
    import pytest_asyncio  # noqa: F401
    import pytest_timeout  # noqa: F401

    import importlib

    from _pytest.config import default_plugins

    from channels_lab import setup_django

    setup_django(DEMO_DATABASE=":memory:")
    for name in [*(f"_pytest.{p}" for p in default_plugins), *OFTEN_IMPORTED]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - an optional library (redis, playwright) may be missing
            pass


def child(request: dict, report_fd: int, output_fd: int) -> int:
    from channels_lab.grading import SUBMISSION_ENV

    os.setsid()
    for number in (0, 1, 2):
        os.dup2(output_fd if number else os.open(os.devnull, os.O_RDONLY), number)
    os.close(output_fd)
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.chdir(request["dir"])
    os.environ[SUBMISSION_ENV] = request["dir"]
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the run names its plugins (-p), already imported here
    import pytest

    return int(pytest.main([*request["args"], "--report-fd", str(report_fd)]))


def serve(control: socket.socket) -> None:
    running: dict[int, dict] = {}  # pid -> {"job", "deadline", "timeout"}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    control.send(json.dumps({"ready": True, "cpu": usage.ru_utime + usage.ru_stime}).encode())
    parent = os.getppid()
    while os.getppid() == parent:  # without bwrap's --die-with-parent, stop when the grader is gone
        ready, _, _ = select.select([control], [], [], 0.02)
        if ready:
            message, fds, _, _ = socket.recv_fds(control, 65536, 4)
            if not message:
                break
            request = json.loads(message)
            report_fd, output_fd = fds
            pid = os.fork()
            if pid == 0:
                code = 3
                try:
                    control.close()
                    code = child(request, report_fd, output_fd)
                except BaseException:  # noqa: BLE001 - whatever happens, this child only ever exits
                    pass
                finally:
                    try:
                        sys.stdout.flush()
                        sys.stderr.flush()
                    finally:
                        os._exit(code)
            os.close(report_fd)
            os.close(output_fd)
            running[pid] = {"job": request["job"], "deadline": time.monotonic() + request["timeout"], "timeout": False}
        now = time.monotonic()
        for pid, run in running.items():
            if not run["timeout"] and now > run["deadline"]:
                run["timeout"] = True
                _kill_group(pid)
        while running:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            run = running.pop(pid, None)
            if run is None:
                continue
            _kill_group(pid)  # servers the run left behind in its group
            reply = {"job": run["job"], "cpu": usage.ru_utime + usage.ru_stime}  # the run and what it reaped
            if run["timeout"]:
                reply["timeout"] = True
            else:
                reply["status"] = os.waitstatus_to_exitcode(status)
            control.send(json.dumps(reply).encode())
    for pid in running:
        _kill_group(pid)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    warm()
    gc.freeze()  # what the worker imported is never collected again, so each child's gc passes are short
    serve(control)


if __name__ == "__main__":
    main()
