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


async def wait_until(predicate, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.05)


async def test_readers_on_two_processes_see_each_other_and_leaving_is_seen(stack):
    (a_server, b_server), world, env = stack
    first, second = world["users"][0], world["users"][1]
    topic = await asyncio.to_thread(_topic, env, first["id"], "one")
    on_a = PresenceClient([a_server.http], first["token"], [topic])
    on_b = PresenceClient([b_server.http], second["token"], [topic])
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
    (a_server, b_server), world, env = stack
    first, second = world["users"][2], world["users"][3]
    topic = await asyncio.to_thread(_topic, env, first["id"], "two")
    on_a = PresenceClient([a_server.http], first["token"], [topic])
    on_b = PresenceClient([b_server.http], second["token"], [topic])
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
