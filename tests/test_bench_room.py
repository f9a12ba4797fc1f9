"""The webinar room benchmarks run, at a small size (bench/room_fanout.py, bench/room_joins.py).

Figures are never asserted (the machine is shared); what is checked is that each scenario
measures what it says: every attendee got every chat message and poll result, every join
was let in, presence stayed coalesced and its final count was right.
"""

from __future__ import annotations

import asyncio
import math
import secrets

import pytest

from bench.live import clusterhub_env
from bench.room_fanout import WORLD_CODE, RoomAttendees, room_fanout
from bench.room_joins import room_joins, window_max
from tests.realtime.harness import Daphne, LiveDatabase, RedisServer, base_env, run_django

COUNTS_CODE = """
from webinars.models import AttendanceSpan, ChatMessage, PollVote
event = int(os.environ["ROOM_EVENT"])
result = {
    "messages": ChatMessage.objects.filter(event_id=event).count(),
    "votes": PollVote.objects.filter(poll__event_id=event).count(),
    "people_attending": AttendanceSpan.objects.filter(event_id=event)
    .values("user").distinct().count(),
}
"""


def room(env: dict[str, str], attendees: int, polls: int = 0) -> dict:
    return run_django(
        WORLD_CODE,
        {
            **env,
            "ROOM_TAG": secrets.token_hex(3),
            "ROOM_ATTENDEES": str(attendees),
            "ROOM_POLLS": str(polls),
        },
    )


@pytest.mark.slow
def test_the_room_fanout_delivers_every_chat_message_and_poll_result_to_every_attendee():
    """Five attendees, each their own person, in one open room on a real daphne and Redis:
    each round's chat message and poll result reach all five, none lost, and what the
    stand-ins for the room's services write is stored."""
    with RedisServer() as redis, LiveDatabase() as db:
        env = clusterhub_env({**base_env(), "REDIS_URL": redis.url, **db.env()})
        world = room(env, attendees=5, polls=3)
        with Daphne(env, app="asgi:application", extra_args=["-v", "0"]) as server:
            hub = RoomAttendees([server], world, "(pubsub)")
            found = asyncio.run(room_fanout(hub, env, sockets=5, rounds=2))
        counts = run_django(COUNTS_CODE, {**env, "ROOM_EVENT": str(world["event"])})
    assert found["closed"] == 0, found
    for name in ("chat", "poll"):
        assert found[name]["lost"] == 0, found
        assert math.isfinite(found[name]["last"])
        assert found[name]["last"] > 0
    # Two rounds and a warm-up of each.
    assert counts["messages"] == 3
    assert counts["votes"] == 3
    # Everyone's socket was in the room (the room's attendance hook ran for each).
    assert counts["people_attending"] == 5


@pytest.mark.slow
def test_the_room_joins_let_everyone_in_with_coalesced_presence_and_the_right_count():
    """Twelve attendees joining over two seconds, twice: none refused, every socket ends
    with the count of twelve, and the first one in was told of the others' arrivals in
    fewer frames than arrivals (coalesced; the rate itself is a timing, not asserted)."""
    with RedisServer() as redis, LiveDatabase() as db:
        env = clusterhub_env({**base_env(), "REDIS_URL": redis.url, **db.env()})
        world = room(env, attendees=12)
        with Daphne(env, app="asgi:application", extra_args=["-v", "0"]) as server:
            hub = RoomAttendees([server], world, "(pubsub)")
            runs = [
                asyncio.run(room_joins(hub, attendees=12, seconds=2.0)),
                asyncio.run(room_joins(hub, attendees=12, seconds=2.0, bursts=4)),
            ]
    for found in runs:
        assert found["accepted"] == 12, found
        assert found["refused"] == 0, found
        assert found["final_count"] == 12
        assert found["final_count_right"], found
        # Coalesced: the first one in saw eleven people arrive in fewer frames.
        assert 2 <= found["first_frames"] < 12, found


def test_a_one_second_window_counts_the_frames_inside_it():
    assert window_max([]) == 0
    assert window_max([0.0, 1.0, 2.0]) == 1
    assert window_max([0.0, 0.5, 0.99, 2.0]) == 3
