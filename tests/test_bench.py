"""`make bench` in its quick mode runs end to end and prints every section (no timing is asserted).

The rows through nginx are measured where nginx is installed, and say why they are skipped where it is not.
"""

import subprocess
import sys

import pytest

from channels_lab import REPO_ROOT
from channels_lab.testing import missing, require_redis

pytestmark = pytest.mark.redis


@pytest.mark.timeout(300)
def test_quick_bench_prints_every_section_and_row():
    require_redis()
    # About 50 s on the shared 2-core machine; the ceiling leaves room for a load average of 20.
    run = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--quick"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    for section in ("== echo ==", "== fan-out ==", "== ratio to the raw server ==", "== through nginx, against direct ==",
                    "== load: 50 clients"):
        assert section in out, f"missing {section!r} in:\n{out}"
    for row in ("raw websockets", "daphne, bare async consumer", "daphne, bare sync consumer",
                "daphne, demo ChatConsumer", "raw websockets broadcast", "in-memory layer, bare room",
                "in-memory layer, demo RoomConsumer", "redis layer, 2 daphnes, bare room",
                "daphne, bare async consumer (beside nginx)", "in-memory layer, bare room (beside nginx)",
                "redis layer, 2 daphnes, bare room (beside nginx)",
                "nginx → 1 daphne, bare async consumer", "nginx → 2 daphnes, bare async consumer",
                "in-memory layer, nginx → daphne, bare room", "redis layer, nginx → 1 daphne, bare room",
                "redis layer, nginx → 2 daphnes, bare room"):
        assert f"\n{row}" in out, f"missing row {row!r} in:\n{out}"
    assert "uvicorn, bare async consumer" in out  # measured, or "skipped: uvicorn is not installed"
    assert out.count("capacity") == 5 and "msg/s" in out and "× raw" in out
    assert "[nginx → 2 daphnes]" in out, out
    if missing("nginx") is None:
        assert "skipped: nginx" not in out, f"nginx is installed, yet rows through it were skipped:\n{out}"
        compared = out.split("== through nginx, against direct ==\n")[1].split("\n== ")[0].splitlines()[1:]
        assert len(compared) == 5 and all("nginx →" in line for line in compared), compared
