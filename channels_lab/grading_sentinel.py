"""The grader's sentinel: run after every exercise's tests, it must always arrive as failed.

A run whose report says it passed was forged in-process (its outcomes were rewritten), so the
grader scores it 0 and flags tampering (channels_lab/grading.py).
"""

SENTINEL_MESSAGE = "the grading sentinel fails on purpose"


def test_sentinel_always_fails():
    raise AssertionError(SENTINEL_MESSAGE)
