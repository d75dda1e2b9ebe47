"""Does every pin in requirements.lock install from a wheel, on the platforms learners use, for every promised Python?

    python -m channels_lab.wheels                  # every target below; exit 1 if a pin has no wheel
    python -m channels_lab.wheels --python 3.13    # one Python, both platforms

``make wheels`` runs it and ``.ci/run`` runs ``make wheels``. For each target it asks pip
itself, with a dry run against PyPI:

    pip install --dry-run --no-deps --only-binary=:all: --ignore-installed \\
        --python-version 3.13 --platform macosx_11_0_arm64 --target TMP -r requirements.lock

(``--target`` only because pip 23.2 refuses ``--platform`` without it; nothing is installed.)
When pip names a pin it has no wheel for, that pin is set aside and the dry run repeated, so
one run lists every missing wheel. pip.conf's extra indexes, find-links and constraints and the
``PIP_*`` variables that choose indexes are left out, so a wheel cached on this machine cannot
hide one missing from PyPI.

``BUILDS_FROM_SOURCE`` lists the pins known to have no wheel for a target, with what building
them needs; the README repeats it. The check fails when a pin is missing that is not listed,
and when a listed one has a wheel after all (so the list stays short and true).

Off-line (PyPI unreachable) it says so and exits 0, except in CI, where it exits 1.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .servers import REPO_ROOT

LOCK = REPO_ROOT / "requirements.lock"
INDEX = "https://pypi.org/simple"

# The promised Pythons: the floor (pyproject.toml's requires-python) up to the newest released.
PYTHONS = ("3.11", "3.12", "3.13", "3.14")

# The platforms learners use, as the oldest system each name covers. pip 23.2 does not expand
# manylinux_2_X tags by itself, so every glibc from 2.5 to 2.28 (RHEL 8, Debian 10, Ubuntu
# 18.10 and later) is listed; macosx_11_0_arm64 is expanded by pip (universal2, older
# versions) and is the first macOS of every Apple-silicon Mac.
PLATFORMS = {
    "linux-x86_64": [f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)]
    + ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"],
    "macos-arm64": ["macosx_11_0_arm64"],
}

# (pin name, platform) -> what building it from source needs. Keep it short and true: the
# check fails when a listed pin turns out to have a wheel.
BUILDS_FROM_SOURCE = {
    ("autobahn", "macos-arm64"): (
        "autobahn's macOS arm64 wheels are tagged macosx_15_0 (macOS 15 or newer); on macOS 11-14 pip "
        "builds it from its sdist: with a C compiler (xcode-select --install) it compiles its optional "
        "NVX accelerators, and with AUTOBAHN_USE_NVX=0 it builds pure Python and needs no compiler"
    ),
}

_NO_WHEEL = re.compile(r"No matching distribution found for ([A-Za-z0-9_.\-]+)==")
# PIP_* variables kept: they choose how to reach PyPI, not which index or files to use.
_PIP_KEEP = {"PIP_CERT", "PIP_CLIENT_CERT", "PIP_PROXY", "PIP_TRUSTED_HOST", "PIP_DEFAULT_TIMEOUT", "PIP_RETRIES"}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path = LOCK) -> dict[str, str]:
    """{normalized name: the pin's line} for every ``name==version`` line of ``path``."""
    found = {}
    for line in path.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==", line):
            found[normalize(match.group(1))] = line.strip()
    return found


def pip_environment() -> dict[str, str]:
    """This environment without pip.conf and without the PIP_* variables that add indexes or files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") or k in _PIP_KEEP}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    cert = _configured_cert()
    if cert and "PIP_CERT" not in env:
        env["PIP_CERT"] = cert
    return env


def _configured_cert() -> str | None:
    """The ``cert`` pip.conf sets, if any (leaving pip.conf out must not lose the CA bundle)."""
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"^[\w:.-]*\.cert='([^']+)'", out, re.MULTILINE)
    return match.group(1) if match else None


def missing_wheels(python: str, platform: str, env: dict[str, str]) -> tuple[list[str], str]:
    """The pins pip finds no wheel for on (python, platform), and pip's last output."""
    remaining = pins()
    missing: list[str] = []
    with tempfile.TemporaryDirectory(prefix="wheel-check-") as tmp:
        while True:
            requirements = Path(tmp) / "requirements.txt"
            requirements.write_text("\n".join(remaining.values()) + "\n")
            command = [
                sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--ignore-installed",
                "--only-binary=:all:", "--python-version", python, "--target", str(Path(tmp) / "target"),
                "--index-url", INDEX, "--quiet", "-r", str(requirements),
            ]
            for tag in PLATFORMS[platform]:
                command += ["--platform", tag]
            run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
            if run.returncode == 0:
                return missing, run.stdout + run.stderr
            match = _NO_WHEEL.search(run.stderr)
            if not match or normalize(match.group(1)) not in remaining:
                raise RuntimeError(f"pip failed for Python {python} on {platform}:\n{run.stderr[-3000:]}")
            name = normalize(match.group(1))
            missing.append(name)
            del remaining[name]


def pypi_reachable() -> str | None:
    """None when PyPI answers, else why not."""
    try:
        urllib.request.urlopen(f"{INDEX}/pip/", timeout=15).close()
        return None
    except OSError as error:
        return f"PyPI is not reachable ({error})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", choices=PYTHONS, help="only this Python (repeatable)")
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS), help="only this platform")
    args = parser.parse_args(argv)
    if reason := pypi_reachable():
        in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
        print(f"wheel check skipped: {reason}" + (" (CI must reach PyPI)" if in_ci else ""))
        return 1 if in_ci else 0

    env = pip_environment()
    targets = [(py, plat) for py in args.python or PYTHONS for plat in args.platform or sorted(PLATFORMS)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: missing_wheels(*t, env), targets))

    locked = len(pins())
    failures = []
    for (python, platform), (missing, _) in zip(targets, results):
        expected = {name for (name, plat) in BUILDS_FROM_SOURCE if plat == platform}
        unexpected = [name for name in missing if name not in expected]
        stale = sorted(expected - set(missing))
        line = f"Python {python} {platform}: {locked - len(missing)}/{locked} pins have a wheel"
        for name in missing:
            why = BUILDS_FROM_SOURCE.get((name, platform), "NOT LISTED in BUILDS_FROM_SOURCE")
            line += f"\n    {pins()[name]}: no wheel; {why}"
        print(line)
        failures += [f"Python {python} {platform}: no wheel for {name} (pin one that has, or list it)" for name in unexpected]
        failures += [f"Python {python} {platform}: {name} has a wheel now; remove it from BUILDS_FROM_SOURCE" for name in stale]
    if failures:
        print("\n".join(["wheel check FAILED:"] + failures))
        return 1
    print(f"wheel check passed for Python {', '.join(args.python or PYTHONS)} on {', '.join(args.platform or sorted(PLATFORMS))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
