"""`make bench`: what each server and layer costs, measured in one run on 127.0.0.1.

    python -m benchmarks.bench            # the full run (a few minutes, most of it the load test)
    python -m benchmarks.bench --runs 3   # each echo and fan-out figure is the median of three runs
    python -m benchmarks.bench --quick    # a small run (the notebook's and tests/test_bench.py's)

Echo: ``clients`` connections each make ``round_trips`` send-then-receive round trips against
a raw ``websockets`` server (the Python ceiling), daphne with a bare async and a bare sync
consumer, and the demo's own consumers (with their middleware) on the same daphne.
Fan-out: one client sends ``messages`` messages, one at a time, into a room of ``members``
clients; a message's latency is the time until the last member has it. Raw ``websockets``
broadcast, then Channels groups through the in-memory layer (one daphne) and through Redis
(two daphne processes, half the members on each). Through nginx (``channels_lab.nginx``, one
worker process, the WebSocket lines of notebook 12): the bare async echo and the bare room,
nginx in front of one daphne and in front of two (its ``upstream`` spreads the connections,
round robin; a room spanning two daphnes goes through Redis). Then the load test
(benchmarks.load), the last run through nginx.

Every ratio is to the raw server of the same kind. Compression is off everywhere: daphne has
no permessage-deflate, so the raw server and the client turn it off too. uvicorn is measured
when it is installed. Bounded: a fixed number of messages, and every wait has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import sys
import time
from dataclasses import dataclass, field

from websockets.exceptions import InvalidStatus

from channels_lab import run_daphne, run_redis
from channels_lab.servers import REPO_ROOT, Server, _spawn, _wait_for, django_env
from channels_lab.testing import missing

from .load import APP, nginx_in_front, open_clients, run_load

WAIT = 20.0  # seconds any single reply may take before the run is abandoned


@dataclass
class Row:
    """One measured line: what ran, its latencies (seconds) and its rate."""

    kind: str  # "echo" or "fan-out"
    name: str
    latencies: list[float] = field(default_factory=list)
    rate: float = 0.0  # messages (echo) or deliveries (fan-out) per second
    ratio: float = 1.0  # rate / the raw server's rate of the same kind
    skipped: str = ""

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


@contextlib.contextmanager
def run_raw_server():
    """The raw websockets server in its own process, like daphne (a fair fight for the CPU)."""
    command = [sys.executable, "-m", "benchmarks.raw_echo"]
    server = _spawn("raw websockets", command, cwd=REPO_ROOT, env=django_env())

    def ready(server: Server) -> bool:
        for line in server.output.splitlines():
            if line.startswith("Listening on TCP address"):
                server.port = int(line.rsplit(":", 1)[1])
                return True
        return False

    try:
        _wait_for(server, ready, 20)
        yield server
    finally:
        server.stop()


async def echo(server, path: str, clients: int, round_trips: int, frame: str) -> tuple[list[float], float]:
    """``clients`` connections, each ``round_trips`` sequential round trips; latencies and messages/s."""
    sockets = await open_clients([server], path, clients)
    latencies: list[float] = []

    async def one(ws):
        for _ in range(round_trips):
            sent = time.perf_counter()
            await ws.send(frame)
            await asyncio.wait_for(ws.recv(), WAIT)
            latencies.append(time.perf_counter() - sent)

    try:
        await one(sockets[0])  # warm up: imports, first-request work
        latencies.clear()
        started = time.perf_counter()
        await asyncio.gather(*(one(ws) for ws in sockets))
        return latencies, len(latencies) / (time.perf_counter() - started)
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


async def fan_out(daphnes, path: str, members: int, messages: int) -> tuple[list[float], float]:
    """One member sends ``messages`` frames one by one; each is timed until every member has it."""
    sockets = await open_clients(daphnes, path, members)
    arrived: dict[str, int] = {}
    complete: dict[str, asyncio.Event] = {}

    async def listen(ws):
        async for frame in ws:
            key = json.loads(frame)["message"]
            arrived[key] = arrived.get(key, 0) + 1
            if arrived[key] == members:
                complete[key].set()

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    latencies: list[float] = []
    try:
        await asyncio.sleep(0.2)  # every group_add has landed
        started = time.perf_counter()
        for n in range(messages + 1):
            key = str(n)
            complete[key] = asyncio.Event()
            sent = time.perf_counter()
            await sockets[n % members].send(json.dumps({"message": key}))
            await asyncio.wait_for(complete[key].wait(), WAIT)
            if n == 0:  # the first message warms the path up; time the rest
                started = time.perf_counter()
            else:
                latencies.append(time.perf_counter() - sent)
        return latencies, members * messages / (time.perf_counter() - started)
    finally:
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


# The rows through nginx, each measured in the same rounds as a direct row ("beside nginx"), taking
# turns, so that a shared machine's load drifting during the run falls on both alike.
BESIDE_ECHO = "daphne, bare async consumer (beside nginx)"
NGINX_ECHO = ("nginx → 1 daphne, bare async consumer", "nginx → 2 daphnes, bare async consumer")
BESIDE_MEMORY_ROOM = "in-memory layer, bare room (beside nginx)"
NGINX_MEMORY_ROOM = "in-memory layer, nginx → daphne, bare room"
BESIDE_REDIS_ROOM = "redis layer, 2 daphnes, bare room (beside nginx)"
NGINX_REDIS_ROOMS = ("redis layer, nginx → 1 daphne, bare room", "redis layer, nginx → 2 daphnes, bare room")


async def taking_turns(measurings, rounds: int, unit: int = 1) -> list[tuple[list[float], float]]:
    """Run each ``measurings[i]()`` (a coroutine giving latencies and a rate) ``rounds`` times, the
    order rotating every round; per measuring, all its latencies and its overall rate.

    ``unit`` is how many deliveries one latency stands for (1 for echo, the members for fan-out)."""
    latencies = [[] for _ in measurings]
    seconds = [0.0] * len(measurings)
    for n in range(rounds):
        for i in [*range(len(measurings))][n % len(measurings):] + [*range(len(measurings))][:n % len(measurings)]:
            measured, rate = await measurings[i]()
            latencies[i] += measured
            seconds[i] += len(measured) * unit / rate
    return [(measured, len(measured) * unit / spent) for measured, spent in zip(latencies, seconds)]


async def measure(sizes: dict, redis: bool = True, nginx: bool = False) -> list[Row]:
    """One pass: every echo row, then every fan-out row (Redis ones only when ``redis``; the rows
    through nginx only when ``nginx``, each skipped with the reason where nginx is missing)."""
    clients, round_trips = sizes["clients"], sizes["round_trips"]
    members, messages = sizes["members"], sizes["messages"]
    frame = json.dumps({"action": "echo", "text": "x" * 32})
    rows: list[Row] = []

    def add(kind, name, measured):
        rows.append(Row(kind, name, *measured))

    rounds = sizes.get("rounds", 2)  # rounds the rows through nginx take turns in

    async def add_in_turns(kind, names, measurings, servers, unit=1):
        """Rows measured taking turns; a failed handshake or a stalled reply makes them failed rows
        (the servers' last output goes to stderr), not the end of the run."""
        try:
            for name, measured in zip(names, await taking_turns(measurings, rounds, unit)):
                add(kind, name, measured)
        except (InvalidStatus, OSError, asyncio.TimeoutError) as error:
            rows.extend(Row(kind, name, skipped=f"failed: {error}") for name in names)
            for server in servers:
                tail = "".join(server.output.splitlines(keepends=True)[-15:])
                print(f"--- {names}: the last output of {server.name} on port {server.port}:\n{tail}", file=sys.stderr)

    def echoes(server):
        return lambda: echo(server, "/bare/async/", clients, round_trips // rounds, frame)

    def rooms(servers):
        return lambda: fan_out(servers, "/bare/rooms/bench/", members, messages // rounds)

    with run_raw_server() as raw:
        add("echo", "raw websockets", await echo(raw, "/echo/", clients, round_trips, frame))
        add("fan-out", "raw websockets broadcast", await fan_out([raw], "/rooms/bench/", members, messages))
    env = {"DEMO_DATABASE": ":memory:", "CHANNEL_CAPACITY": "1000"}
    with run_daphne(APP, env=env) as daphne:
        for name, path in [("daphne, bare async consumer", "/bare/async/"),
                           ("daphne, bare sync consumer", "/bare/sync/"),
                           ("daphne, demo ChatConsumer (sync echo)", "/ws/echo/"),
                           ("daphne, demo CommandConsumer (sync JSON)", "/ws/commands/")]:
            add("echo", name, await echo(daphne, path, clients, round_trips, frame))
        for name, path in [("in-memory layer, bare room", "/bare/rooms/bench/"),
                           ("in-memory layer, demo RoomConsumer", "/ws/rooms/bench/")]:
            add("fan-out", name, await fan_out([daphne], path, members, messages))
        if nginx and (why := missing("nginx")):
            rows.extend(Row("echo", name, skipped=why) for name in (BESIDE_ECHO, *NGINX_ECHO))
            rows.extend(Row("fan-out", name, skipped=why) for name in (BESIDE_MEMORY_ROOM, NGINX_MEMORY_ROOM))
        elif nginx:  # a second in-memory daphne: an echo needs no shared layer
            with run_daphne(APP, env=env) as second, nginx_in_front([daphne]) as one, \
                    nginx_in_front([daphne, second]) as two:
                await add_in_turns("echo", (BESIDE_ECHO, *NGINX_ECHO), [echoes(daphne), echoes(one), echoes(two)],
                                   [one, two, daphne, second])
                await add_in_turns("fan-out", (BESIDE_MEMORY_ROOM, NGINX_MEMORY_ROOM), [rooms([daphne]), rooms([one])],
                                   [one, daphne], unit=members)
    if importlib.util.find_spec("uvicorn") is None:
        rows.append(Row("echo", "uvicorn, bare async consumer", skipped="uvicorn is not installed"))
    else:
        with run_uvicorn(env) as uvicorn:
            add("echo", "uvicorn, bare async consumer", await echo(uvicorn, "/bare/async/", clients, round_trips, frame))
    if not redis:
        return ratios(rows)
    with run_redis() as redis_server:
        env = {**env, "REDIS_URL": redis_server.url}
        with run_daphne(APP, env=env) as first, run_daphne(APP, env=env) as second:
            for name, path in [("redis layer, 2 daphnes, bare room", "/bare/rooms/bench/"),
                               ("redis layer, 2 daphnes, demo RoomConsumer", "/ws/rooms/bench/")]:
                add("fan-out", name, await fan_out([first, second], path, members, messages))
            if nginx and (why := missing("nginx")):
                rows.extend(Row("fan-out", name, skipped=why) for name in (BESIDE_REDIS_ROOM, *NGINX_REDIS_ROOMS))
            elif nginx:
                with nginx_in_front([first]) as one, nginx_in_front([first, second]) as two:
                    await add_in_turns("fan-out", (BESIDE_REDIS_ROOM, *NGINX_REDIS_ROOMS),
                                       [rooms([first, second]), rooms([one]), rooms([two])],
                                       [one, two, first, second], unit=members)
    return ratios(rows)


def ratios(rows: list[Row]) -> list[Row]:
    """Each row's rate over the raw server's of the same kind (rows 0 and 1)."""
    for row in rows:
        raw_row = rows[0] if row.kind == "echo" else rows[1]
        row.ratio = row.rate / raw_row.rate if raw_row.rate and not row.skipped else 0.0
    return rows


@contextlib.contextmanager
def run_uvicorn(env: dict):
    """The same application under uvicorn (only called when uvicorn is installed)."""
    from channels_lab.servers import free_port

    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
               "--ws-per-message-deflate", "false", "--log-level", "warning", APP]
    server = _spawn("uvicorn", command, cwd=REPO_ROOT / "demo_project", env={**django_env(), **env})
    server.port = port

    def ready(server: Server) -> bool:
        import socket

        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
        return False

    try:
        _wait_for(server, ready, 20)
        yield server
    finally:
        server.stop()


def median_rows(runs: list[list[Row]]) -> list[Row]:
    """Per row, the run with the median rate (its latencies stay with it); ratios to the median raw."""
    merged = []
    for same in zip(*runs):
        ordered = sorted(same, key=lambda r: r.rate)
        merged.append(ordered[len(ordered) // 2])
    return ratios(merged)


def report(rows: list[Row]) -> str:
    """The table `make bench` prints: percentiles in ms, rates, ratios to the raw server."""
    lines = []
    for kind, unit in (("echo", "msg/s"), ("fan-out", "deliveries/s")):
        lines.append(f"== {kind} ==")
        lines.append(f"{'':<48}{'p50':>11}{'p95':>11}{'p99':>11}{unit:>15}{'× raw':>8}")
        for row in (r for r in rows if r.kind == kind):
            if row.skipped:
                lines.append(f"{row.name:<48}skipped: {row.skipped}")
                continue
            p50, p95, p99 = (1000 * row.percentile(p) for p in (50, 95, 99))
            lines.append(f"{row.name:<48}{p50:>8.2f} ms{p95:>8.2f} ms{p99:>8.2f} ms"
                         f"{row.rate:>15,.0f}{row.ratio:>7.2f}×")
    return "\n".join(lines)


# Each row through nginx and the direct row it is compared with.
DIRECT = {NGINX_ECHO[0]: BESIDE_ECHO, NGINX_ECHO[1]: BESIDE_ECHO, NGINX_MEMORY_ROOM: BESIDE_MEMORY_ROOM,
          NGINX_REDIS_ROOMS[0]: BESIDE_REDIS_ROOM, NGINX_REDIS_ROOMS[1]: BESIDE_REDIS_ROOM}


def versus_direct(rows: list[Row]) -> str:
    """Each measured row through nginx: its rate and p50/p99 against the direct row measured in the same rounds."""
    by_name = {row.name: row for row in rows}
    lines = [f"{'':<48}{'rate':>8}{'p50':>15}{'p99':>15}   against"]
    for name, direct_name in DIRECT.items():
        row, direct = by_name.get(name), by_name.get(direct_name)
        if row is None or direct is None or row.skipped or direct.skipped or not direct.rate:
            continue
        p50, p99 = (f"{1000 * direct.percentile(p):.1f}→{1000 * row.percentile(p):.1f} ms" for p in (50, 99))
        lines.append(f"{name:<48}{row.rate / direct.rate:>7.2f}×{p50:>15}{p99:>15}   {direct_name}")
    return "\n".join(lines)


def bars(rows: list[Row], width: int = 40) -> str:
    """A text bar chart of each row's rate relative to its raw server (no plotting library needed)."""
    lines = []
    for row in sorted(rows, key=lambda r: r.kind != "echo"):
        if row.skipped:
            continue
        bar = "█" * max(1, round(width * min(row.ratio, 1.0)))
        lines.append(f"{row.kind:<8}{row.name:<49}{bar} {row.ratio:.2f}×")
    return "\n".join(lines)


def svg_bars(rows: list[Row]) -> str:
    """The same chart as inline SVG, for Jupyter's display(SVG(...))."""
    shown = sorted((r for r in rows if not r.skipped), key=lambda r: r.kind != "echo")
    left, width, height = 330, 330, 22
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" '
             f'height="{height * len(shown) + 10}" font-family="sans-serif" font-size="12">']
    for n, row in enumerate(shown):
        y = 5 + n * height
        colour = "#4c72b0" if row.kind == "echo" else "#dd8452"
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{row.kind}: {row.name}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{max(1, width * min(row.ratio, 1.0)):.0f}" '
                     f'height="{height - 6}" fill="{colour}"/>')
        parts.append(f'<text x="{left + width * min(row.ratio, 1.0) + 4:.0f}" y="{y + 15}">{row.ratio:.2f}×</text>')
    parts.append("</svg>")
    return "".join(parts)


SIZES = {
    "full": {"clients": 20, "round_trips": 500, "members": 200, "messages": 50, "rounds": 5},
    "quick": {"clients": 5, "round_trips": 40, "members": 50, "messages": 10, "rounds": 2},
}


def run_bench(quick: bool = False, runs: int = 1) -> list[Row]:
    """Measure everything (nginx rows included) ``runs`` times and keep each row's median run."""
    sizes = SIZES["quick" if quick else "full"]
    return median_rows([asyncio.run(measure(sizes, nginx=True)) for _ in range(runs)])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small run (seconds, not a minute)")
    parser.add_argument("--runs", type=int, default=1, help="repeat and keep the median of each figure")
    parser.add_argument("--no-load", action="store_true", help="skip the load test")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(f"Channels Lab benchmark: {os.cpu_count()} CPUs, load average {load:.2f} at start, "
          f"{'quick' if args.quick else 'full'} run, median of {args.runs}", flush=True)
    rows = run_bench(args.quick, args.runs)
    print(report(rows))
    print("== ratio to the raw server ==")
    print(bars(rows), flush=True)
    print("== through nginx, against direct ==")
    print(versus_direct(rows), flush=True)
    if not args.no_load:
        clients = 50 if args.quick else 200
        print(f"== load: {clients} clients in one room, 10 senders x a burst of 20, every delivery counted ==")
        default = demo_default_capacity()
        for layer in ("memory", "redis"):
            for capacity in (100, default):
                result = run_load(layer, capacity, clients=clients)
                print(f"{result.summary()}  [{result.where}]", flush=True)
        if why := missing("nginx"):
            print(f"redis  capacity {default:>4}: skipped: {why}  [nginx → 2 daphnes]", flush=True)
        else:
            result = run_load("redis", default, clients=clients, nginx=True)
            print(f"{result.summary()}  [{result.where}]", flush=True)


def demo_default_capacity() -> int:
    """The demo's CHANNEL_CAPACITY when the environment does not set it."""
    import re

    settings = (REPO_ROOT / "demo_project" / "demo_project" / "settings.py").read_text(encoding="utf-8")
    return int(re.search(r'CHANNEL_CAPACITY", "(\d+)"', settings).group(1))


if __name__ == "__main__":
    main()
