"""What daphne runs when it serves a notebook's lesson: the lesson module as it is *now*.

``run_daphne("lesson:application")`` starts ``daphne channels_lab.live:application`` with
``CHANNELS_LAB_LIVE_APP=lesson:application`` and the kernel's lesson folder on the path.
For every new connection (every ASGI scope) this checks whether the module's file changed
since it was last imported and, if so, imports it afresh, so a cell edited and re-run in
the notebook serves the next connection. Connections already open keep the code they
started with. A module that fails to import is reported on that connection's stderr and
the connection is refused; the previous version is not kept, so what daphne serves is
never older than the notebook's last successful run.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from pathlib import Path

import django

django.setup()

MODULE, _, ATTRIBUTE = os.environ["CHANNELS_LAB_LIVE_APP"].partition(":")
ATTRIBUTE = ATTRIBUTE or "application"
PATH = Path(os.environ["CHANNELS_LAB_LIVE_DIR"]) / f"{MODULE}.py"

_loaded: dict = {"stamp": None, "app": None}


def _stamp() -> tuple:
    info = PATH.stat()
    return info.st_ino, info.st_mtime_ns, info.st_size


def _import():
    """Import the lesson file as a fresh module (replacing any earlier version in sys.modules)."""
    spec = importlib.util.spec_from_file_location(MODULE, PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE] = module
    spec.loader.exec_module(module)
    return getattr(module, ATTRIBUTE)


def current_application():
    """The lesson's application, imported again if its file changed since the last connection."""
    stamp = _stamp()
    if stamp != _loaded["stamp"]:
        _loaded.update(stamp=stamp, app=None)
        _loaded["app"] = _import()
    return _loaded["app"]


async def application(scope, receive, send):
    try:
        app = current_application()
    except Exception:
        _loaded["stamp"] = None  # try again on the next connection
        traceback.print_exc()
        raise
    await app(scope, receive, send)


current_application()  # fail at start-up, with the traceback in daphne's output, if the lesson cannot import
