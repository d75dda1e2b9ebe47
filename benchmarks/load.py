"""The load test: a burst into one crowded room, every delivery counted.

    python -m benchmarks.load [--layer redis|memory] [--capacity N] [--clients 200] [--nginx]

``clients`` connect to one room of the demo's ``RoomConsumer`` (spread over two daphne
processes sharing a redis-server, or one daphne with the in-memory layer; with ``--nginx``
they all connect to one nginx, which spreads them over the daphnes); then ``senders``
of them each send ``burst`` messages at once. Every message should reach every client, so
``expected = senders * burst * clients``. What the channel layer drops (a channel already
holding ``capacity`` messages refuses more, silently) is ``expected - delivered``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
from dataclasses import dataclass

from websockets.asyncio.client import connect

from channels_lab import run_daphne, run_redis
from channels_lab.nginx import run_nginx

APP = "benchmarks.asgi:application"
HANDSHAKES_AT_ONCE = 25  # daphne's listen backlog is 50: do not knock more at once
QUIET = 2.0  # seconds without a delivery anywhere that end the count
DEADLINE = 60.0  # seconds the whole count may take at most


@dataclass
class LoadResult:
    layer: str
    capacity: int
    processes: int
    clients: int
    senders: int
    burst: int
    delivered: int
    seconds: float
    via: str = ""  # "nginx" when the clients connected through nginx

    @property
    def where(self) -> str:
        daphnes = f"{self.processes} daphne{'s' if self.processes > 1 else ''}"
        return f"nginx → {daphnes}" if self.via else daphnes

    @property
    def expected(self) -> int:
        return self.senders * self.burst * self.clients

    @property
    def lost(self) -> int:
        return self.expected - self.delivered

    @property
    def lost_percent(self) -> float:
        return 100 * self.lost / self.expected

    def summary(self) -> str:
        return (f"{self.layer:<6} capacity {self.capacity:>4}: delivered {self.delivered}/{self.expected}, "
                f"lost {self.lost} ({self.lost_percent:.1f} %)")


@contextlib.contextmanager
def servers(layer: str, capacity: int, processes: int = 2):
    """Daphne processes serving the benchmark app: ``processes`` over one redis, or one in-memory."""
    env = {"CHANNEL_CAPACITY": str(capacity), "DEMO_DATABASE": ":memory:"}
    with contextlib.ExitStack() as stack:
        if layer == "redis":
            redis = stack.enter_context(run_redis())
            env["REDIS_URL"] = redis.url
        else:
            processes = 1  # the in-memory layer lives inside one process
        yield [stack.enter_context(run_daphne(APP, env=env)) for _ in range(processes)]


# What nginx runs in front of the benchmark's daphnes: notebook 12's SITE, the same lines, but for
# proxy_read_timeout: the notebook sets 4 s to watch it fire; here nginx's default (60 s, as the
# notebook says) holds, above daphne's default ping interval (20 s), so no quiet client is cut.
PROXY_SERVER = """
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

upstream channels_lab {
    {servers}
}

server {
    listen 127.0.0.1:{port};

    location / {
        proxy_pass http://channels_lab;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Port $remote_port;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
"""


@contextlib.contextmanager
def nginx_in_front(daphnes):
    """One nginx whose ``upstream channels_lab`` holds ``daphnes`` (round robin, nginx's default)."""
    servers = "\n    ".join(f"server 127.0.0.1:{daphne.port};" for daphne in daphnes)
    with run_nginx(PROXY_SERVER, servers=servers) as nginx:
        yield nginx


async def open_clients(daphnes, path: str, count: int):
    """``count`` connected clients, spread round-robin over ``daphnes``, a few handshakes at a time."""
    gate = asyncio.Semaphore(HANDSHAKES_AT_ONCE)

    async def one(n):
        server = daphnes[n % len(daphnes)]
        async with gate:
            return await connect(server.ws_url(path), origin=server.origin, compression=None,
                                 open_timeout=20, max_queue=None)

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def count_deliveries(clients, expected_each: int, quiet: float = QUIET) -> int:
    """Read every client until it has ``expected_each`` messages or nothing arrives for ``quiet`` seconds."""
    counts = [0] * len(clients)
    last = time.monotonic()

    async def drain(n, ws):
        nonlocal last
        while counts[n] < expected_each:
            await ws.recv()
            counts[n] += 1
            last = time.monotonic()

    readers = [asyncio.create_task(drain(n, ws)) for n, ws in enumerate(clients)]
    deadline = time.monotonic() + DEADLINE
    try:
        while not all(r.done() for r in readers):
            now = time.monotonic()
            if now - last > quiet or now > deadline:
                break
            await asyncio.sleep(0.05)
    finally:
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    return sum(counts)


async def burst_into_room(daphnes, clients: int = 200, senders: int = 10, burst: int = 20,
                          room: str = "load", quiet: float = QUIET) -> tuple[int, float]:
    """Connect, let ``senders`` clients send ``burst`` messages each at once, count what arrives."""
    sockets = await open_clients(daphnes, f"/ws/rooms/{room}/", clients)
    try:
        await asyncio.sleep(0.2)  # the last group_add has reached the layer
        started = time.monotonic()

        async def send_burst(ws, sender):
            for n in range(burst):  # no await between sends is needed: send() only queues
                await ws.send(json.dumps({"message": f"{sender}:{n}"}))

        # Spread senders over the processes too, so that both daphnes publish.
        await asyncio.gather(*(send_burst(sockets[i], i) for i in range(senders)))
        delivered = await count_deliveries(sockets, senders * burst, quiet)
        return delivered, time.monotonic() - started
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


async def load_test(layer: str = "redis", capacity: int = 100, clients: int = 200, senders: int = 10,
                    burst: int = 20, processes: int = 2, quiet: float = QUIET, nginx: bool = False) -> LoadResult:
    """Start the servers, run one burst, stop everything; return the counts (await it in a notebook).

    The count ends when every delivery has arrived, or after ``quiet`` seconds without one.
    With ``nginx`` every client connects to one nginx in front of the daphnes.
    """
    with servers(layer, capacity, processes) as daphnes, \
            (nginx_in_front(daphnes) if nginx else contextlib.nullcontext()) as front:
        targets = [front] if nginx else daphnes
        delivered, seconds = await burst_into_room(targets, clients, senders, burst, quiet=quiet)
        return LoadResult(layer, capacity, len(daphnes), clients, senders, burst, delivered, seconds,
                          via="nginx" if nginx else "")


def run_load(*args, **kwargs) -> LoadResult:
    """``load_test`` for code that has no event loop running (scripts, tests)."""
    return asyncio.run(load_test(*args, **kwargs))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layer", choices=["redis", "memory"], default="redis")
    parser.add_argument("--capacity", type=int, action="append")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--nginx", action="store_true", help="the clients connect through one nginx")
    args = parser.parse_args(argv)
    for capacity in args.capacity or [100]:
        result = run_load(args.layer, capacity, args.clients, args.senders, args.burst, nginx=args.nginx)
        print(result.summary(), f"in {result.seconds:.1f} s  [{result.where}]", flush=True)


if __name__ == "__main__":
    main()
