"""Presence through the full ASGI application: who is subscribed to a topic now
(realtime/presence.py, docs/realtime.md "Presence").

A topic kind of its own for these tests, `room`, registered with presence; access is
whatever ROOM_ACCESS says, so a test can cut it. Throttling is asserted by counting frames:
the test holds the topic's throttle window itself, so what happens inside it is certain.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from realtime.consumers import LiveConsumer, Subscription
from realtime.events import group_for_topic
from realtime.hub import get_hub
from realtime.models import Event
from realtime.presence import MAX_NAMES, presence_read, presence_store, presence_tracker
from realtime.services import subscription_revoke
from realtime.topics import register_topic
from tests.factories import UserFactory
from tests.realtime.conftest import open_socket, subscribe

ROOM_ACCESS: dict[str, set[int]] = {}


def _room_gate(user: Any, key: str) -> bool:
    return user.pk in ROOM_ACCESS.get(key, set())


register_topic("room", gate=_room_gate, presence=True)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.REALTIME_PRESENCE_INTERVAL = 0.3
    ROOM_ACCESS.clear()
    yield
    ROOM_ACCESS.clear()


def _room(*users) -> str:
    key = secrets.token_hex(4)  # a fresh topic per test: the cache may be a shared Redis
    ROOM_ACCESS[key] = {u.pk for u in users}
    return f"room:{key}"


@sync_to_async
def _people(*names):
    return [UserFactory(full_name=name) for name in names]


async def _next_presence(ws, timeout: float = 5) -> dict:
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if frame["type"] == "presence":
            return frame


def _names(frame) -> list[str]:
    return [u["name"] for u in frame["users"]]


async def _one_then_another(first, second, topic):
    """`first` subscribes (alone there), then `second`; `first` is told. Their sockets."""
    a = await open_socket(first)
    await subscribe(a, topic)
    assert a.presence["count"] == 1
    b = await open_socket(second)
    await subscribe(b, topic)
    assert (await _next_presence(a))["count"] == 2
    return a, b


async def test_a_subscriber_gets_the_state_after_subscribed_and_each_change(settings):
    anna, marc = await _people("Anna Berg", "Marc Dubois")
    topic = _room(anna, marc)
    a = await open_socket(anna)
    frames = await subscribe(a, topic)
    assert frames[-1]["type"] == "subscribed"
    first = a.presence  # the frame right after `subscribed` (tests/realtime/conftest.py)
    assert first == {
        "type": "presence",
        "topic": topic,
        "count": 1,
        "users": [{"id": anna.pk, "name": "Anna Berg"}],
    }
    m = await open_socket(marc)
    await subscribe(m, topic)
    mine = m.presence
    assert (mine["count"], _names(mine)) == (2, ["Anna Berg", "Marc Dubois"])
    seen = await _next_presence(a)
    assert (seen["count"], _names(seen)) == (2, ["Anna Berg", "Marc Dubois"])
    # Leaving by unsubscribing.
    await m.send_json_to({"type": "unsubscribe", "topic": topic})
    assert (await m.receive_json_from(timeout=3))["type"] == "unsubscribed"
    seen = await _next_presence(a)
    assert (seen["count"], _names(seen)) == (1, ["Anna Berg"])
    await m.disconnect()
    await a.disconnect()
    # Ephemeral: nothing of it went to the event log.
    assert not await sync_to_async(Event.objects.filter(topic=topic).exists)()


async def test_a_person_with_two_tabs_counts_once_and_leaves_with_the_last(settings):
    anna, marc = await _people("Anna Berg", "Marc Dubois")
    topic = _room(anna, marc)
    m, tab1 = await _one_then_another(marc, anna, topic)
    tab2 = await open_socket(anna)
    await subscribe(tab2, topic)
    second = tab2.presence
    assert (second["count"], _names(second)) == (2, ["Anna Berg", "Marc Dubois"])
    await tab1.disconnect()  # Anna is still there in her other tab
    await tab2.disconnect()
    # The next state Marc gets is the one without Anna: the unchanged states in between
    # (a second tab, the first tab closing) sent him nothing.
    after = await _next_presence(m)
    assert (after["count"], _names(after)) == (1, ["Marc Dubois"])
    assert await m.receive_nothing(timeout=settings.REALTIME_PRESENCE_INTERVAL * 3)
    await m.disconnect()


async def test_changes_within_the_throttle_window_arrive_as_one_frame_with_the_latest_state():
    people = await _people("Watcher", "P1", "P2", "P3", "P4", "P5")
    watcher, *others = people
    topic = _room(*people)
    w = await open_socket(watcher)
    await subscribe(w, topic)
    assert w.presence["count"] == 1
    # Hold the topic's throttle window (3 s) as another process would after publishing.
    while wait := await sync_to_async(presence_store().tick)(topic, 3.0):
        await asyncio.sleep(wait)
    sockets = []
    for person in others:
        ws = await open_socket(person)
        await subscribe(ws, topic)
        sockets.append(ws)
    frames = []
    while not frames or frames[-1]["count"] != 6:
        frames.append(await _next_presence(w))
    assert len(frames) == 1
    assert _names(frames[0]) == ["P1", "P2", "P3", "P4", "P5", "Watcher"]
    assert await w.receive_nothing(timeout=1.2)  # and nothing else: coalesced, not repeated
    for ws in [w, *sockets]:
        await ws.disconnect()


async def test_presence_never_reaches_a_socket_that_may_not_subscribe(settings):
    anna, olga = await _people("Anna Berg", "Olga Nowak")
    topic = _room(anna)
    o = await open_socket(olga)
    assert (await subscribe(o, topic))[-1]["code"] == "not_found"
    a = await open_socket(anna)
    await subscribe(a, topic)
    assert a.presence["count"] == 1
    assert await o.receive_nothing(timeout=settings.REALTIME_PRESENCE_INTERVAL * 3)
    # Olga was never counted either.
    assert (await sync_to_async(presence_read)(topic)).count == 1
    await o.disconnect()
    await a.disconnect()


async def test_losing_access_clears_presence_and_stops_the_frames(settings):
    anna, marc = await _people("Anna Berg", "Marc Dubois")
    topic = _room(anna, marc)
    a, m = await _one_then_another(anna, marc, topic)
    ROOM_ACCESS[topic.split(":")[1]].discard(marc.pk)

    @sync_to_async
    def revoke():
        from django.db import transaction

        with transaction.atomic():
            subscription_revoke(user_ids=[marc.pk], topic=topic)

    await revoke()
    cut = await m.receive_json_from(timeout=3)
    assert (cut["type"], cut["reason"]) == ("unsubscribed", "access_revoked")
    seen = await _next_presence(a)
    assert (seen["count"], _names(seen)) == (1, ["Anna Berg"])
    assert await m.receive_nothing(timeout=settings.REALTIME_PRESENCE_INTERVAL * 3)
    await m.disconnect()
    await a.disconnect()


async def test_names_stop_at_fifty_and_the_count_goes_on(settings):
    (anna,) = await _people("Anna Berg")
    topic = _room(anna)
    # 60 readers on other processes (entries in the shared store).
    others = {f"elsewhere/{n}": f'[{900000 + n}, "Reader {n:02d}"]' for n in range(60)}
    await sync_to_async(presence_store().update)(topic, "join", others, 30)
    a = await open_socket(anna)
    await subscribe(a, topic)
    frame = a.presence
    assert frame["count"] == 61
    assert len(frame["users"]) == MAX_NAMES
    assert frame["users"][0] == {"id": anna.pk, "name": "Anna Berg"}
    assert _names(frame)[1:4] == ["Reader 00", "Reader 01", "Reader 02"]
    await a.disconnect()


async def test_a_killed_process_readers_expire_and_the_change_is_published(settings):
    anna, marc = await _people("Anna Berg", "Marc Dubois")
    topic = _room(anna, marc)
    a = await open_socket(anna)
    await subscribe(a, topic)
    assert a.presence["count"] == 1
    # Marc's socket on a process that was then killed: its entry is no longer refreshed.
    ghost = {"dead-process/1": f'[{marc.pk}, "Marc Dubois"]'}
    await sync_to_async(presence_store().update)(topic, "join", ghost, 0.5)
    # (Published by whoever changes the topic next; here the ghost's own process is gone.)
    tracker = presence_tracker(await get_hub())
    tracker.mark_dirty(topic)
    assert (await _next_presence(a))["count"] == 2
    await asyncio.sleep(0.6)
    await tracker.refresh()  # Anna's process refreshes its own entries; the ghost expired
    seen = await _next_presence(a)
    assert (seen["count"], _names(seen)) == (1, ["Anna Berg"])
    await a.disconnect()


async def test_a_socket_gets_at_most_one_frame_per_interval_and_then_the_latest(settings):
    """Publications that reach a socket closer together than the interval (two processes,
    or one publication delayed on the way) are paced per socket: the later one waits, and
    of several waiting only the newest is sent."""
    (anna,) = await _people("Anna Berg")
    topic = _room(anna)
    a = await open_socket(anna)
    await subscribe(a, topic)
    subscribed_at = asyncio.get_running_loop().time()
    version = (await sync_to_async(presence_read)(topic)).version
    hub = await get_hub()
    for n in (1, 2, 3):
        await hub.publish(
            group_for_topic(topic),
            {
                "type": "live.presence",
                "topic": topic,
                "version": version + n,
                "text": f'{{"type":"presence","topic":"{topic}","count":{n + 1},"users":[]}}',
                "count_text": "",
            },
        )
        await asyncio.sleep(0.02)
    frame = await _next_presence(a)
    arrived = asyncio.get_running_loop().time()
    assert frame["count"] == 4  # the newest; the two before it were never sent
    assert arrived - subscribed_at >= settings.REALTIME_PRESENCE_INTERVAL * 0.9
    assert await a.receive_nothing(timeout=settings.REALTIME_PRESENCE_INTERVAL * 2)
    await a.disconnect()


async def test_a_state_published_while_the_socket_subscribes_is_not_lost():
    """A newer state that reaches the socket between its join and its `subscribed` frame
    (the join's own state is older) is the one it gets: nothing is dropped there."""
    sent: list[str] = []
    consumer = LiveConsumer()

    async def base_send(message):
        sent.append(message["text"])

    consumer.base_send = base_send
    consumer.inbox = asyncio.Queue()
    sub = Subscription("room:x", 0, buffer=None)
    await consumer._send_presence(sub, 7, "newer")  # arrives before `subscribed`
    assert sent == []
    await consumer._presence_live(sub, 5, "joined")  # the join's own, older state
    assert sent == ["newer"]
