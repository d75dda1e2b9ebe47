"""The Python ceiling: a bare ``websockets`` server, no Django, no Channels.

    python -m benchmarks.raw_echo      # prints "Listening on TCP address 127.0.0.1:PORT"

Any path echoes each message back, except ``/rooms/<name>/``, which sends each message to
everyone connected to that path (``websockets.broadcast``), the raw twin of a Channels group.
Compression is off (``compression=None``) because daphne does not compress either.
"""

import asyncio
from collections import defaultdict

from websockets.asyncio.server import broadcast, serve

ROOMS = defaultdict(set)


async def handler(websocket):
    path = websocket.request.path
    if not path.startswith("/rooms/"):
        async for message in websocket:
            await websocket.send(message)
        return
    members = ROOMS[path]
    members.add(websocket)
    try:
        async for message in websocket:
            broadcast(members, message)
    finally:
        members.discard(websocket)


async def main():
    async with serve(handler, "127.0.0.1", 0, compression=None, max_queue=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"Listening on TCP address 127.0.0.1:{port}", flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
