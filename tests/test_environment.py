"""requirements.in, requirements.lock, environment.yml and the installed .venv agree."""

import importlib.metadata
import re
import sys
import tomllib

import yaml

from channels_lab.servers import REPO_ROOT


def pins(path):
    """{normalized name: version} for every `name==version` line of a requirements file."""
    found = {}
    for line in (REPO_ROOT / path).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line):
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


def test_every_direct_dependency_is_locked_at_the_same_version():
    locked = pins("requirements.lock")
    for name, version in pins("requirements.in").items():
        assert locked.get(name) == version, f"{name}=={version} in requirements.in, {locked.get(name)} in the lock"


def test_environment_yml_agrees_with_the_lock():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip_section == ["-r requirements.lock"], "environment.yml must install exactly the lock"
    assert "redis-server" in deps and "conda-forge" in env["channels"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python="))
    header = (REPO_ROOT / "requirements.lock").read_text().splitlines()[0]
    locked_with = re.search(r"Python (\d+\.\d+)", header).group(1)
    assert python == f"python={locked_with}", f"environment.yml has {python}, the lock was made with {locked_with}"


def test_python_floor_is_the_same_everywhere():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert "v >= (3, 11)" in (REPO_ROOT / "Makefile").read_text()


def test_installed_environment_matches_the_lock():
    if sys.prefix == sys.base_prefix:
        import pytest

        pytest.skip("not running in a virtual environment")
    mismatched = {}
    for name, version in pins("requirements.lock").items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            mismatched[name] = (version, installed)
    assert not mismatched, f"locked vs installed: {mismatched} (run: make clean test)"
