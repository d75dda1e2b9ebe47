"""A pytest plugin the grader loads into each isolated run: sends every test's outcome as it ends.

    pytest -p channels_lab.report_plugin --report-fd 5 tests/exercises/test_x.py channels_lab/grading_sentinel.py

Each line on the descriptor (the write end of a pipe the grader reads) is one JSON event:
``collected`` (the tests, in order), ``test`` (one outcome, sent when the test's teardown ends),
``tamper`` (the run changed builtins or what the tests imported) and ``done``. The grader keeps the
first outcome of each test and nothing after ``done``, so rewriting at exit changes nothing. It also
checks that the sentinel test (channels_lab/grading_sentinel.py), which always fails, arrives failed.
"""

import json
import os
import sys
import types

MAX_MESSAGE = 400
SENTINEL = "grading_sentinel.py::test_sentinel_always_fails"
_tests: dict[str, dict] = {}
_state: dict = {}


def pytest_addoption(parser):
    parser.addoption("--report-fd", type=int, help="send each test's outcome as a JSON line to this descriptor")


def _send(event: dict, _write=os.write, _dumps=json.dumps) -> None:
    fd = _state.get("fd")
    if fd is None:
        return
    try:
        _write(fd, (_dumps(event) + "\n").encode())
    except OSError:
        pass


def pytest_configure(config):
    _state["fd"] = config.getoption("report_fd")
    from channels_lab.grading import guard_communicator

    guard_communicator()


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines()
        description = doc[0] if doc else item.originalname.removeprefix("test_").replace("_", " ")
        if hasattr(item, "callspec"):
            description += f" [{item.callspec.id}]"
        _tests[item.nodeid] = {
            "id": item.nodeid,
            "name": item.name,
            "description": description,
            "outcome": "not run",
            "phase": "",
            "message": "did not run: the test run stopped before it",
            "sentinel": item.nodeid.endswith(SENTINEL),
        }


def _watched_modules(session) -> dict[str, types.ModuleType]:
    """The test modules, conftests and grading helpers, and the modules they import by name."""
    modules = {"builtins": sys.modules["builtins"]}
    for name in ("channels_lab.grading", "channels_lab.report_plugin", "asgiref.testing", "channels.testing"):
        if name in sys.modules:
            modules[name] = sys.modules[name]
    for item in session.items:
        module = getattr(item, "module", None)
        if module is not None:
            modules[module.__name__] = module
    for name, module in list(sys.modules.items()):
        if name == "conftest" or name.endswith(".conftest"):
            modules[name] = module
    for module in list(modules.values()):
        for value in list(vars(module).values()):
            if isinstance(value, types.ModuleType) and value.__name__ not in ("sys", "os", "__main__"):
                modules.setdefault(value.__name__, value)
    return modules


def _snapshot(modules) -> dict[tuple[str, str], int]:
    return {(name, key): id(value) for name, module in modules.items() for key, value in list(vars(module).items())
            if callable(value) or isinstance(value, types.ModuleType)}


def pytest_collection_finish(session):
    """Remember builtins and what the tests import, before any submission code runs."""
    _state["modules"] = _watched_modules(session)
    _state["snapshot"] = _snapshot(_state["modules"])
    _send({"event": "collected", "tests": [{k: t[k] for k in ("id", "name", "description", "sentinel")}
                                           for t in _tests.values()]})


def _tampered() -> str:
    before = _state.get("snapshot")
    if not before:
        return ""
    for (name, key), ident in before.items():
        module = _state["modules"][name]
        value = vars(module).get(key, _tampered)
        if id(value) != ident:
            return f"{name}.{key} was replaced while the tests ran"
    return ""


def _message(report) -> str:
    """The first line of what went wrong: the assertion message or the exception."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = (crash.message if crash else str(report.longrepr)).strip()
    return (text.splitlines()[0] if text else "failed")[:MAX_MESSAGE]


def pytest_runtest_logreport(report):
    test = _tests.get(report.nodeid)
    if test is None:
        return
    if test["outcome"] not in ("failed", "skipped"):
        if report.failed:
            test.update(outcome="failed", phase=report.when, message=_message(report))
        elif report.passed and report.when == "call":
            test.update(outcome="passed", message="")
        elif report.skipped:  # a service this machine lacks: not passed, and the learner is told why
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            test.update(outcome="skipped", phase=report.when,
                        message=reason.removeprefix("Skipped: ")[:MAX_MESSAGE])
    if report.when == "teardown":  # every test's last phase, even when its setup failed
        if not _state.get("tamper") and (reason := _tampered()):
            _state["tamper"] = reason
            _send({"event": "tamper", "reason": reason})
        _send({"event": "test", **test})


def pytest_collectreport(report):
    if report.failed:
        test = {"id": report.nodeid or "collection", "name": "collection", "description": "the test file loads",
                "outcome": "failed", "phase": "collect", "message": _message(report), "sentinel": False}
        _tests[test["id"]] = test
        _send({"event": "test", **test})


def pytest_sessionfinish(session):
    _send({"event": "done"})
