"""A machine without redis-server, Chromium or nginx: every test and notebook that needs one is skipped
with what is missing and how to install it, and nothing fails; with CI set, the same absence fails.

The services are hidden through the variables their one lookup function reads
(``CHANNELS_LAB_REDIS_SERVER`` for ``servers.redis_server_path()``, ``CHANNELS_LAB_CHROMIUM``
for ``browser.chromium_path()``, ``CHANNELS_LAB_NGINX`` for ``nginx.nginx_path()``), in a pytest
subprocess that runs only what needs a service.
The exercise grader's own subprocesses inherit that environment, so they see no services either.
"""

import json
import os
import re
import subprocess
import sys

import pytest

from channels_lab import REPO_ROOT, course
from channels_lab.browser import CHROMIUM_ENV
from channels_lab.nginx import NGINX_ENV
from channels_lab.servers import REDIS_SERVER_ENV

TESTS = REPO_ROOT / "tests"
HIDDEN = {REDIS_SERVER_ENV: "", CHROMIUM_ENV: "", NGINX_ENV: ""}
SERVICE_OF_MARKER = {"redis": "redis", "browser": "chromium"}
SERVICE_NAME = {"redis": "redis-server", "chromium": "Chromium", "nginx": "nginx"}
SERVICE_ENV = {"redis": REDIS_SERVER_ENV, "chromium": CHROMIUM_ENV, "nginx": NGINX_ENV}
# What a test or exercise test calls to say it needs a service.
REQUIRES = {"redis": re.compile(r"require_redis\(|require\(\"redis\"\)"),
            "chromium": re.compile(r"require_chromium\(|require\(\"chromium\"\)"),
            "nginx": re.compile(r"require_nginx\(|require\(\"nginx\"\)")}

# Loaded into the subprocess with -p. It keeps only what needs a service: notebook cells and
# the exercise-system tests named on the command line, and tests marked redis/browser or whose
# function or fixtures call require_redis()/require_chromium()/require_nginx(); then it records
# every kept item's markers, outcome and skip reason.
PLUGIN = '''
import inspect, json, os, re

import pytest

REQUIRES = re.compile(r"require_(redis|chromium|nginx)\\(|require\\(")
_items = {}


def _source(function):
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


def _needs_a_service(item):
    if not isinstance(item, pytest.Function) or item.nodeid.startswith("tests/test_exercise_system.py::"):
        return True
    if any(item.iter_markers("redis")) or any(item.iter_markers("browser")):
        return True
    fixtures = [d.func for defs in item._fixtureinfo.name2fixturedefs.values() for d in defs]
    return any(REQUIRES.search(_source(f)) for f in [item.function, *fixtures])


def pytest_collection_modifyitems(config, items):
    kept = [item for item in items if _needs_a_service(item)]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept
    for item in kept:
        _items[item.nodeid] = {"markers": sorted({m.name for m in item.iter_markers()}),
                               "outcome": "not run", "reason": ""}


def pytest_runtest_logreport(report):
    entry = _items.setdefault(report.nodeid, {"markers": [], "outcome": "not run", "reason": ""})
    if entry["outcome"] in ("failed", "skipped"):
        return
    if report.failed:
        entry.update(outcome="failed", reason=str(report.longrepr)[-1500:])
    elif report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        entry.update(outcome="skipped", reason=reason.removeprefix("Skipped: "))
    elif report.when == "call":
        entry["outcome"] = "passed"


def pytest_sessionfinish(session):
    with open(os.environ["NO_SERVICES_REPORT"], "w") as out:
        json.dump(_items, out)
'''


def needs_in(text: str) -> set[str]:
    return {service for service, call in REQUIRES.items() if call.search(text)}


def service_test_files() -> list[str]:
    """tests/test_*.py that mark a test redis/browser or call a require_*() of a service."""
    files = []
    for path in sorted(TESTS.glob("test_*.py")):
        if path.name in ("test_no_services.py", "test_exercise_system.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if needs_in(text) or re.search(r"mark\.(redis|browser)\b", text):
            files.append(str(path.relative_to(REPO_ROOT)))
    return files


def service_exercises() -> dict[str, set[str]]:
    """Exercise id -> the services its graded tests require."""
    return {ex.id: found for ex in course.exercises() if (found := needs_in(ex.tests.read_text(encoding="utf-8")))}


def service_notebooks() -> dict[str, tuple[str, ...]]:
    return {nb.id: nb.needs for nb in course.notebooks() if nb.needs}


def run_pytest(targets, tmp_path, **env):
    """Run pytest over ``targets`` in a subprocess with ``env``; return its exit status, output and items."""
    (tmp_path / "no_services_plugin.py").write_text(PLUGIN)
    report = tmp_path / "report.json"
    environment = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("PYTEST_")}
    environment.update(env, NO_SERVICES_REPORT=str(report),
                       PYTHONPATH=os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p))
    run = subprocess.run([sys.executable, "-m", "pytest", *targets, "-q", "-p", "no_services_plugin"],
                         cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=900)
    items = json.loads(report.read_text()) if report.exists() else {}
    return run.returncode, run.stdout[-4000:] + run.stderr[-2000:], items


def test_every_notebook_declares_the_services_its_cells_use():
    """course.toml's `needs` lists redis when a notebook starts redis-server (or checks an exercise
    whose tests need it), chromium when it drives a browser and nginx when it starts nginx, so the
    nbval plugin can skip it."""
    exercises = service_exercises()
    for notebook in course.notebooks():
        source = REPO_ROOT / "notebooks_src" / f"{notebook.id}.py"
        code = "\n".join(line for line in source.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("#"))
        used = set()
        if re.search(r"run_redis\(|load_test\(\s*\"redis\"", code):
            used.add("redis")
        if re.search(r"playwright|channels_lab\.browser|chromium\(", code):
            used.add("chromium")
        if re.search(r"run_nginx\(", code):
            used.add("nginx")
        for checked in re.findall(r'check\("(ex\d+)"\)', code):
            used |= exercises.get(checked, set())
        assert used <= set(notebook.needs), (
            f"{notebook.id} uses {sorted(used)} but course.toml says needs = {sorted(notebook.needs)}")


@pytest.mark.timeout(900)
def test_without_services_everything_that_needs_one_is_skipped_with_its_reason(tmp_path):
    files, exercises, notebooks = service_test_files(), service_exercises(), service_notebooks()
    assert files and exercises and notebooks, "found nothing that needs a service: the selection is broken"
    targets = [*files,
               *(f"tests/test_exercise_system.py::test_solution_passes_every_test[{ex}]" for ex in exercises),
               *(f"notebooks/{nb}.ipynb" for nb in notebooks)]
    status, output, items = run_pytest(targets, tmp_path, **HIDDEN)

    failed = {node: item["reason"] for node, item in items.items() if item["outcome"] == "failed"}
    assert not failed, f"without the services these failed:\n{json.dumps(failed, indent=1)[:6000]}"
    assert status == 0, output

    def assert_skipped_for(node, services):
        item = items.get(node)
        assert item is not None, f"{node} was not collected:\n{output}"
        assert item["outcome"] == "skipped", f"{node} {item['outcome']} without {services}"
        for service in services:
            name = SERVICE_NAME[service]
            env = SERVICE_ENV[service]
            assert f"{name} is hidden: {env}=''" in item["reason"], f"{node}: {item['reason']!r}"
        assert "apt-get install" in item["reason"] and "brew install" in item["reason"], item["reason"]

    marked = {node: [SERVICE_OF_MARKER[m] for m in item["markers"] if m in SERVICE_OF_MARKER]
              for node, item in items.items()}
    marked = {node: services for node, services in marked.items() if services}
    assert marked, "no test carries the redis or browser marker"
    for node, services in marked.items():
        assert_skipped_for(node, services)
    for ex, services in exercises.items():
        assert_skipped_for(f"tests/test_exercise_system.py::test_solution_passes_every_test[{ex}]", services)
    for nb, services in notebooks.items():
        cells = [node for node in items if node.startswith(f"notebooks/{nb}.ipynb::")]
        assert cells, f"no cells of {nb} were collected"
        for node in cells:
            assert_skipped_for(node, services)
    # Whatever else skipped, skipped because a service is hidden.
    for node, item in items.items():
        if item["outcome"] == "skipped":
            assert " is hidden: CHANNELS_LAB_" in item["reason"], f"{node}: {item['reason']!r}"


def test_in_ci_a_missing_service_fails(tmp_path):
    """With CI set, a test that needs a hidden service fails, naming it, instead of skipping."""
    marked = [file for file in service_test_files()
              if re.search(r"mark\.redis\b", (REPO_ROOT / file).read_text(encoding="utf-8"))][:1]
    marked += [file for file in service_test_files()
               if re.search(r"mark\.browser\b", (REPO_ROOT / file).read_text(encoding="utf-8"))][:1]
    assert len(marked) == 2, f"expected a redis test file and a browser test file, got {marked}"
    status, output, items = run_pytest([*marked, "-m", "redis or browser"], tmp_path, CI="true", **HIDDEN)
    assert status == 1, output
    assert items and all(item["outcome"] == "failed" for item in items.values()), json.dumps(items, indent=1)
    reasons = "\n".join(item["reason"] for item in items.values())
    for service, env in (("redis-server", REDIS_SERVER_ENV), ("Chromium", CHROMIUM_ENV)):
        assert f"{service} is hidden: {env}=''" in reasons and "CI must install it" in reasons, reasons


@pytest.mark.parametrize("service", ["redis", "chromium", "nginx"])
def test_the_variable_points_at_a_program_or_hides_it(service, tmp_path, monkeypatch):
    """The one lookup per service: its variable names the program to use; empty, or a path with
    no runnable file there, means none here, whatever is installed."""
    from channels_lab.browser import chromium_path
    from channels_lab.nginx import nginx_path
    from channels_lab.servers import redis_server_path
    from channels_lab.testing import missing

    env, lookup = {"redis": (REDIS_SERVER_ENV, redis_server_path), "chromium": (CHROMIUM_ENV, chromium_path),
                   "nginx": (NGINX_ENV, nginx_path)}[service]
    program = tmp_path / "bin" / "the-program"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv(env, str(program))
    assert lookup() == str(program) and missing(service) is None
    for hidden in ("", str(tmp_path / "nothing-here")):
        monkeypatch.setenv(env, hidden)
        assert lookup() is None
        assert missing(service).startswith(f"{SERVICE_NAME[service]} is hidden: {env}={hidden!r}")
