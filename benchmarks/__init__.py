"""Channels Lab's benchmark (`make bench`) and load test, run on 127.0.0.1 only.

- ``bench``: echo and fan-out throughput and latency, each compared with a raw ``websockets`` server;
- ``load``: a burst into one crowded room, every delivery counted (what channel capacity loses);
- ``asgi``: the application daphne serves for both (bare consumers beside the demo's own);
- ``raw_echo``: the raw ``websockets`` echo server, the Python ceiling;
- ``grading``: how long grading a class takes (`make bench-grading`).
"""
