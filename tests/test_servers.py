"""The server helpers: free ports, fast and readable failures, nothing left running."""

import socket
import time

import pytest

from channels_lab.servers import ServerFailedToStart, run_daphne, run_redis
from channels_lab.testing import require_redis


def refuses_connections(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_two_daphnes_get_different_ports_and_both_stop():
    with run_daphne() as first, run_daphne() as second:
        assert first.port != second.port
        processes = (first.process, second.process)
    assert all(p.poll() is not None for p in processes)
    assert refuses_connections(first.port) and refuses_connections(second.port)


def test_a_daphne_that_cannot_start_fails_fast_with_its_output():
    started = time.monotonic()
    with pytest.raises(ServerFailedToStart, match="No module named 'no_such_project'"):
        with run_daphne("no_such_project.asgi:application"):
            pass
    assert time.monotonic() - started < 15


def test_stopped_even_when_the_block_raises():
    with pytest.raises(RuntimeError):
        with run_daphne() as server:
            raise RuntimeError("a failing cell")
    assert server.process.poll() is not None


def test_redis_answers_and_stops():
    require_redis()
    with run_redis() as redis:
        with socket.create_connection((redis.host, redis.port), timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            assert conn.recv(16) == b"+PONG\r\n"
        assert redis.url == f"redis://127.0.0.1:{redis.port}"
    assert redis.process.poll() is not None


def test_redis_skips_a_port_that_is_taken(monkeypatch):
    require_redis()
    import channels_lab.servers as servers

    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        first_answers = iter([taken])
        original = servers.free_port
        monkeypatch.setattr(servers, "free_port", lambda: next(first_answers, None) or original())
        with run_redis() as redis:
            assert redis.port != taken

