"""`make bench` in its quick mode runs end to end and prints every section (no timing is asserted)."""

import subprocess
import sys

import pytest

from channels_lab import REPO_ROOT
from channels_lab.testing import require_redis

pytestmark = pytest.mark.redis


def test_quick_bench_prints_every_section_and_row():
    require_redis()
    run = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--quick"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=110)
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    for section in ("== echo ==", "== fan-out ==", "== ratio to the raw server ==", "== load: 50 clients"):
        assert section in out, f"missing {section!r} in:\n{out}"
    for row in ("raw websockets", "daphne, bare async consumer", "daphne, bare sync consumer",
                "daphne, demo ChatConsumer", "raw websockets broadcast", "in-memory layer, bare room",
                "in-memory layer, demo RoomConsumer", "redis layer, 2 daphnes, bare room"):
        assert f"\n{row}" in out, f"missing row {row!r} in:\n{out}"
    assert "uvicorn, bare async consumer" in out  # measured, or "skipped: uvicorn is not installed"
    assert out.count("capacity") == 4 and "msg/s" in out and "× raw" in out
