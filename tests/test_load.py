"""The load test: a burst into a crowded room loses deliveries at capacity 100 and none at the demo's default.

200 clients in one room, ten of them sending a burst of 20 messages at once: 40,000 deliveries,
each counted (benchmarks/load.py). Counts only; `make bench` prints how long it took.
"""

import pytest
from django.conf import settings

from benchmarks.load import run_load
from channels_lab.testing import require_redis


@pytest.mark.redis
def test_redis_over_two_daphnes_loses_none_at_the_demo_default():
    require_redis()
    result = run_load("redis", capacity=settings.CHANNEL_CAPACITY)
    assert (result.processes, result.expected) == (2, 40_000)
    assert result.lost == 0, result.summary()


def test_in_memory_loses_none_at_the_demo_default():
    result = run_load("memory", capacity=settings.CHANNEL_CAPACITY)
    assert result.lost == 0, result.summary()


@pytest.mark.redis
def test_capacity_100_loses_deliveries_silently_over_redis():
    """The burst puts 200 messages into each daphne's queue; a capacity of 100 must refuse some."""
    require_redis()
    result = run_load("redis", capacity=100)
    assert 0 < result.lost < result.expected, result.summary()
    assert result.lost % 100 == 0, f"a refused group message misses all 100 clients of one daphne: {result.summary()}"
