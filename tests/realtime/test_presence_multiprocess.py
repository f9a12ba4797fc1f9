"""Presence across processes: two daphne processes on one private Redis
(tests/realtime/harness.py), readers of one forum topic on each.

Each process sees the readers of the other; a reader leaving one process disappears on the
other; and when a process is killed (SIGKILL: no socket is closed, nothing is cleared) its
readers expire from the shared roster and the others are told. The presence TTL is 3 s
here (30 s by default), so the expiry is observed within seconds.
"""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any
from unittest import mock

import pytest

from tests.realtime.harness import LiveClient, create_world, live_stack, run_django
from tests.realtime.test_multiprocess import wait_until

pytestmark = pytest.mark.slow

TOPIC_CODE = """
from forums.models import ForumKind
from forums.services.forums import forum_create
from forums.services.topics import topic_create
from community.models import User
forum = forum_create(kind=ForumKind.COMMUNITY, name="Open " + os.environ["TAG"])
topic = topic_create(author=User.objects.get(pk=int(os.environ["AUTHOR"])),
                     group=forum.groups.first(), title="Who is here?", body="Hello")
result = topic.pk
"""


class PresenceClient(LiveClient):
    """The harness's client, keeping the presence frames it receives."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.presence: list[dict[str, Any]] = []

    def _dispatch(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "presence":
            self.presence.append(frame)
            return
        super()._dispatch(frame)

    def count(self) -> int | None:
        return self.presence[-1]["count"] if self.presence else None


@pytest.fixture(scope="module")
def stack():
    with (
        mock.patch.dict(os.environ, {"REALTIME_PRESENCE_TTL": "3"}),
        live_stack(daphnes=2) as (_db, _redis, servers, env),
    ):
        world = create_world(env, users=4, conversations=[])
        yield servers, world, env


def _topic(env: dict[str, str], author: int, tag: str) -> str:
    pk = run_django(TOPIC_CODE, {**env, "TAG": tag, "AUTHOR": str(author)})
    return f"forum_topic:{pk}"


async def _one_reader_on_each(stack, index: int, tag: str):
    """Users `index` and `index + 1`, a topic, and a client (not started) for each, on
    process A and process B."""
    (a_server, b_server), world, env = stack
    first, second = world["users"][index], world["users"][index + 1]
    topic = await asyncio.to_thread(_topic, env, first["id"], tag)
    on_a = PresenceClient([a_server.http], first["token"], [topic])
    on_b = PresenceClient([b_server.http], second["token"], [topic])
    return first, second, on_a, on_b


async def test_readers_on_two_processes_see_each_other_and_leaving_is_seen(stack):
    first, second, on_a, on_b = await _one_reader_on_each(stack, 0, "one")
    on_a.start()
    await on_a.wait_ready()
    await wait_until(lambda: on_a.count() == 1)
    on_b.start()
    try:
        await on_b.wait_ready()
        await wait_until(lambda: on_a.count() == 2 and on_b.count() == 2)
        assert {u["id"] for u in on_a.presence[-1]["users"]} == {first["id"], second["id"]}
        assert on_a.presence[-1]["users"] == on_b.presence[-1]["users"]
        await on_b.stop()
        await wait_until(lambda: on_a.count() == 1)
        assert [u["id"] for u in on_a.presence[-1]["users"]] == [first["id"]]
    finally:
        await on_a.stop()
        await on_b.stop()


async def test_the_readers_of_a_killed_process_expire(stack):
    (_a_server, b_server), _world, _env = stack
    first, _second, on_a, on_b = await _one_reader_on_each(stack, 2, "two")
    on_a.start()
    on_b.start()
    try:
        await on_a.wait_ready()
        await on_b.wait_ready()
        await wait_until(lambda: on_a.count() == 2)
        await asyncio.to_thread(b_server.stop, signal.SIGKILL)
        # TTL 3 s, refreshed every second: gone within about 4 s of the kill.
        await wait_until(lambda: on_a.count() == 1, timeout=15)
        assert [u["id"] for u in on_a.presence[-1]["users"]] == [first["id"]]
    finally:
        await on_a.stop()
        await on_b.stop()
        await asyncio.to_thread(b_server.start)
