"""One frame limit (docs/realtime.md, "Frame size"): the application answers
`frame_too_large` to every frame the server accepts; only a message above daphne's much
larger hard limit ends the connection, with 1009 (message too big; config/server.py).

Over a real daphne (tests/realtime/harness.py), started with the flags the Makefile and the
deploy unit use: the in-process communicator enforces no size limit at all.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.realtime.harness import (
    DAPHNE_MAX_MESSAGE_BYTES,
    ROOT,
    Daphne,
    LiveDatabase,
    base_env,
    create_world,
    fetch_ticket,
)

pytestmark = pytest.mark.slow

KIB = 1024


def ping_of(size: int) -> str:
    """A ping frame of exactly `size` bytes."""
    head, tail = '{"type":"ping","id":"big","pad":"', '"}'
    return head + "x" * (size - len(head) - len(tail)) + tail


@pytest.fixture(scope="module")
def server():
    with LiveDatabase(base_url="") as db:
        env = {**base_env(), **db.env()}  # the in-memory channel layer: one process
        world = create_world(env, users=1, conversations=[])
        with Daphne(env) as daphne:
            yield daphne, world["users"][0]["token"]


async def test_frames_the_server_accepts_get_frame_too_large_and_the_socket_stays(server):
    import websockets

    daphne, token = server
    ticket = fetch_ticket(daphne.http, token)
    async with websockets.connect(f"{daphne.ws}/ws/?ticket={ticket}", max_size=None) as ws:
        welcome = json.loads(await ws.recv())
        assert welcome["limits"]["max_frame_bytes"] == settings.REALTIME_MAX_FRAME_BYTES == 64 * KIB
        for size in (64 * KIB + 1, 100 * KIB, 1024 * KIB - 1):
            await ws.send(ping_of(size))
            reply = json.loads(await ws.recv())
            assert (reply["type"], reply["code"]) == ("error", "frame_too_large"), size
            await ws.send(json.dumps({"type": "ping", "id": size}))
            assert json.loads(await ws.recv()) == {"type": "pong", "id": size}
        await ws.send(ping_of(64 * KIB))  # at the limit: accepted
        assert json.loads(await ws.recv()) == {"type": "pong", "id": "big"}


async def test_a_message_above_the_servers_hard_limit_closes_the_socket_with_1009(server):
    import websockets

    daphne, token = server
    ticket = fetch_ticket(daphne.http, token)
    async with websockets.connect(f"{daphne.ws}/ws/?ticket={ticket}", max_size=None) as ws:
        await ws.recv()  # welcome
        await ws.send(ping_of(DAPHNE_MAX_MESSAGE_BYTES + 1))
        with pytest.raises(websockets.ConnectionClosed):
            await ws.recv()
        assert ws.close_code == 1009  # message too big (config/server.py)


def test_the_hard_limit_is_one_mebibyte_everywhere_daphne_is_started():
    """Far above the application's limit, so that everything up to it gets an error frame."""
    assert DAPHNE_MAX_MESSAGE_BYTES == 1024 * KIB
    for path in ("Makefile", "deploy/clusterhub-daphne@.service"):
        text = (ROOT / path).read_text()
        assert re.findall(r"--websocket-max-message-size (\d+)", text) == [
            str(DAPHNE_MAX_MESSAGE_BYTES)
        ], path


def test_the_server_froze_its_startup_objects(server):
    """config/process.py `freeze_startup_objects` ran in the server (tests/realtime/
    test_server_gc.py tests the function)."""
    daphne, _token = server
    log = Path(daphne.log_path)
    deadline = time.monotonic() + 30
    while not (found := re.search(r"Froze (\d+) objects", log.read_text())):
        assert time.monotonic() < deadline, log.read_text()[-2000:]
        time.sleep(0.1)
    assert int(found.group(1)) > 50_000
