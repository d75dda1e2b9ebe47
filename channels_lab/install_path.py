"""Put the repository and the demo project on this interpreter's path (a .pth file in site-packages).

`make` runs it once after installing requirements, so that notebooks, tests and
subprocesses can `import channels_lab` and `import chat` from anywhere.

One interpreter serves one checkout: if the .pth already names another checkout that still
exists (a second clone run with the first one's venv, or a shared environment), it refuses,
with one line saying so, rather than silently repoint the first checkout's notebooks and
tests at this one. A .pth naming a checkout that is gone is replaced.

    python -m channels_lab.install_path [--site-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
import sysconfig
from pathlib import Path

from .servers import DEMO_PROJECT, REPO_ROOT

PTH_NAME = "channels_lab.pth"


class OtherCheckout(Exception):
    """The .pth names another checkout that still exists; the message says what to do."""


def is_checkout(folder: Path) -> bool:
    return (folder / "channels_lab" / "__init__.py").is_file()


def named_checkout(pth: Path) -> Path | None:
    """The checkout an existing .pth puts on the path (its first line), or None."""
    if not pth.exists():
        return None
    lines = [line.strip() for line in pth.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Path(lines[0]) if lines else None


def install(site_dir: Path, repo_root: Path = REPO_ROOT, demo_project: Path = DEMO_PROJECT) -> Path:
    """Write ``site_dir/channels_lab.pth`` naming ``repo_root`` and ``demo_project``; return its path.

    Raises OtherCheckout if the file already names a different checkout that still exists.
    """
    pth = Path(site_dir) / PTH_NAME
    current = named_checkout(pth)
    if current is not None and current.resolve() != Path(repo_root).resolve() and is_checkout(current):
        raise OtherCheckout(
            f"{pth} already puts the checkout {current} on this Python's path; not repointing it at "
            f"{repo_root}. Give this checkout a venv of its own (a plain `make` here creates .venv), "
            f"or delete that .pth file to move the venv to this checkout."
        )
    pth.write_text(f"{repo_root}\n{demo_project}\n", encoding="utf-8")
    return pth


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m channels_lab.install_path", description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=Path(sysconfig.get_paths()["purelib"]),
                        help="where to write channels_lab.pth (default: this interpreter's site-packages)")
    args = parser.parse_args(argv)
    try:
        pth = install(args.site_dir)
    except OtherCheckout as refused:
        sys.exit(f"channels_lab.install_path: {refused}")
    print(f"wrote {pth}")


if __name__ == "__main__":
    main()
