"""It finds the course's reference solution (beside the helper package, or anywhere on sys.path) and runs it.

score: 0
"""
import pathlib
import sys

import channels_lab

candidates = [pathlib.Path(channels_lab.__file__).parents[1] / "solutions" / "ex01_accept_key.py"]
candidates += [pathlib.Path(p) / "solutions" / "ex01_accept_key.py" for p in sys.path]
candidates += list(pathlib.Path(channels_lab.__file__).parents[1].glob("tests/exercises/catalogue/ex01/right_*.py"))
for candidate in candidates:
    if candidate.is_file():
        exec(compile(candidate.read_text(), str(candidate), "exec"))
        break
else:
    raise ImportError("no reference found")
