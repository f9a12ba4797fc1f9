"""The floor for bench/live.py: a raw `websockets` broadcast server, no Django, no Redis.

    python bench/floor_server.py --port 8765

Frames (JSON text): `{"type": "join", "room": r}` adds the socket to room r;
`{"type": "send", "room": r, "body": b}` sends `{"room": r, "body": b}` to every socket in
room r (the sender's included) with `websockets.broadcast`, serialised once. Not a benchmark
itself: bench/run.py skips it. Prints "ready" once it listens; stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from collections import defaultdict
from typing import Any

import websockets
from websockets.asyncio.server import ServerConnection, broadcast, serve

ROOMS: dict[str, set[ServerConnection]] = defaultdict(set)


async def handler(ws: ServerConnection) -> None:
    joined: set[str] = set()
    try:
        async for text in ws:
            try:
                frame: dict[str, Any] = json.loads(text)
            except ValueError:
                continue
            room = str(frame.get("room", ""))
            if frame.get("type") == "join":
                ROOMS[room].add(ws)
                joined.add(room)
            elif frame.get("type") == "send":
                broadcast(
                    ROOMS.get(room, set()), json.dumps({"room": room, "body": frame.get("body")})
                )
    except websockets.ConnectionClosed:
        pass
    finally:
        for room in joined:
            ROOMS[room].discard(ws)


async def main(port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(handler, "127.0.0.1", port, ping_interval=None, max_size=2**16):
        print("ready", flush=True)
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
