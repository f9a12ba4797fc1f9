"""The same frame fuzzing as test_fuzz_frames.py, over a real socket to a real server.

A `python -m config.server` process (daphne, as deployed) on a private database and Redis;
a native client with a ticket sends the generated frames over TCP. Every frame is answered
and the socket stays open (but for the documented 4408 after too many malformed frames,
when the client opens a new one), nothing closes with 1011, and the server's log holds no
traceback.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realtime.actions import action_names
from realtime.consumers import MAX_BAD_FRAMES
from tests.realtime.harness import create_world, fetch_ticket, live_stack
from tests.realtime.test_fuzz_frames import ANSWERS, KINDS, MALFORMED, frames_for, strict_json

pytestmark = pytest.mark.slow

ACTIONS = [f"action:{name}" for name in action_names()]


class Server:
    def __init__(self, http: str, ws: str, token: str, me: int, conversation: int) -> None:
        self.http, self.ws_base, self.token = http, ws, token
        self.me, self.conversation = me, conversation
        self.socket: Any = None
        self.stack = contextlib.ExitStack()
        self.malformed = 0
        self.sent = 0

    def open(self) -> Any:
        from websockets.sync.client import connect

        ticket = fetch_ticket(self.http, self.token)
        self.stack.close()  # the previous socket, if the server closed it
        self.socket = self.stack.enter_context(
            connect(f"{self.ws_base}/ws/?ticket={ticket}", max_size=2**22)
        )
        assert json.loads(self.socket.recv(timeout=10))["type"] == "welcome"
        self.malformed = 0
        return self.socket

    def exchange(self, text: str) -> None:
        """Send one frame and a ping; read until the pong (or the documented 4408)."""
        from websockets.exceptions import ConnectionClosed

        ws = self.socket or self.open()
        self.sent += 1
        marker = f"sync-{self.sent}"
        try:
            ws.send(text)
            ws.send(json.dumps({"type": "ping", "id": marker}))
            while True:
                frame = strict_json(ws.recv(timeout=10))
                if frame == {"type": "pong", "id": marker}:
                    return
                assert frame["type"] in ANSWERS, frame
                if frame["type"] == "error" and frame["code"] in MALFORMED:
                    self.malformed += 1
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd is not None else None
            assert code == 4408, f"closed with {code} after {text!r}"
            assert self.malformed > MAX_BAD_FRAMES
            self.socket = None


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with pytest.MonkeyPatch.context() as patch:
        # The server logs only ERROR and worse, so that any traceback in its log is a
        # server error (a warning may carry one too, e.g. a slow layer on a busy machine).
        patch.setenv("LOG_LEVEL", "ERROR")
        with live_stack(daphnes=1) as (_db, _redis, (daphne,), env):
            world = create_world(env, users=2, conversations=[[0, 1]])
            me = world["users"][0]
            conversation = world["conversations"][0]["id"]
            live = Server(daphne.http, daphne.ws, me["token"], me["id"], conversation)
            yield live
            live.stack.close()
            log = daphne.log_tail(10**7)
    assert "Exception inside application" not in log, log[-4000:]
    assert "Traceback" not in log, log[-4000:]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_frame_over_a_real_socket_is_answered_and_nothing_crashes(server, data):
    kind = data.draw(st.sampled_from(KINDS + ACTIONS))
    for text in data.draw(frames_for(kind, server.me, server.conversation)):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            continue  # a lone surrogate cannot travel in a websocket text frame
        server.exchange(text)
