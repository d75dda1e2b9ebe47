"""A pytest plugin the grader loads into each isolated run: writes every test's outcome as JSON.

    pytest -p channels_lab.report_plugin --report-json results.json tests/exercises/test_x.py
"""

import json
import resource

MAX_MESSAGE = 400
_tests: dict[str, dict] = {}


def pytest_addoption(parser):
    parser.addoption("--report-json", help="write each test's outcome to this file as JSON")
    parser.addoption("--output-limit", type=int, help="cap in bytes on any file this run writes (its output)")


def pytest_configure(config):
    limit = config.getoption("output_limit")
    if limit:  # a flood of printing then fails with "File too large" instead of filling the disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines()
        description = doc[0] if doc else item.originalname.removeprefix("test_").replace("_", " ")
        if hasattr(item, "callspec"):
            description += f" [{item.callspec.id}]"
        _tests[item.nodeid] = {
            "name": item.name,
            "description": description,
            "outcome": "not run",
            "phase": "",
            "message": "did not run: the test run stopped before it",
        }


def _message(report) -> str:
    """The first line of what went wrong: the assertion message or the exception."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = (crash.message if crash else str(report.longrepr)).strip()
    return (text.splitlines()[0] if text else "failed")[:MAX_MESSAGE]


def pytest_runtest_logreport(report):
    test = _tests.get(report.nodeid)
    if test is None or test["outcome"] in ("failed", "skipped"):
        return
    if report.failed:
        test.update(outcome="failed", phase=report.when, message=_message(report))
    elif report.passed and report.when == "call":
        test.update(outcome="passed", message="")
    elif report.skipped:  # a service this machine lacks: not passed, and the learner is told why
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        test.update(outcome="skipped", phase=report.when, message=reason.removeprefix("Skipped: ")[:MAX_MESSAGE])


def pytest_collectreport(report):
    if report.failed:
        _tests[report.nodeid or "collection"] = {
            "name": "collection", "description": "the test file loads", "outcome": "failed",
            "phase": "collect", "message": _message(report),
        }


def pytest_sessionfinish(session):
    path = session.config.getoption("report_json")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(list(_tests.values()), out)
