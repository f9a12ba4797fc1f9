"""`presence_names`: on a topic with presence, only some subscribers are told who is there;
the others get the same frames with the count and an empty `users` (realtime/topics.py,
docs/realtime.md "Presence"). Webinar rooms use it: hosts see names, attendees the count.

A probe topic kind, `names_probe`, lets everyone in and tells names only to NAMES_FOR.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from realtime.topics import register_topic
from tests.factories import UserFactory
from tests.realtime.conftest import open_socket, subscribe
from tests.webinars.conftest import room  # noqa: F401 (the fixture)

NAMES_FOR: set[int] = set()


def _everyone(user: Any, key: str) -> bool:
    return bool(user.is_authenticated)


def _names_for(user: Any, key: str) -> bool:
    return user.pk in NAMES_FOR


register_topic("names_probe", gate=_everyone, presence=True, presence_names=_names_for)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.REALTIME_PRESENCE_INTERVAL = 0.2
    NAMES_FOR.clear()
    yield
    NAMES_FOR.clear()


@sync_to_async
def _people(*names):
    return [UserFactory(full_name=name) for name in names]


async def _presence_with_count(ws, count: int, timeout: float = 5) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = await ws.receive_json_from(timeout=max(0.01, deadline - time.monotonic()))
        if frame["type"] == "presence" and frame["count"] == count:
            return frame


async def test_hosts_get_names_and_everyone_else_only_the_count():
    host, anna, marc = await _people("Hugo Host", "Anna Berg", "Marc Dubois")
    NAMES_FOR.add(host.pk)
    topic = f"names_probe:{secrets.token_hex(4)}"
    h = await open_socket(host)
    await subscribe(h, topic)
    assert h.presence["users"] == [{"id": host.pk, "name": "Hugo Host"}]
    a = await open_socket(anna)
    await subscribe(a, topic)
    # Right after `subscribed`: the count, no names.
    assert a.presence == {"type": "presence", "topic": topic, "count": 2, "users": []}
    seen = await _presence_with_count(h, 2)
    assert [u["name"] for u in seen["users"]] == ["Anna Berg", "Hugo Host"]
    m = await open_socket(marc)
    await subscribe(m, topic)
    assert m.presence["users"] == []
    # Each change reaches both kinds of subscriber, each in its own form.
    on_anna = await _presence_with_count(a, 3)
    on_host = await _presence_with_count(h, 3)
    assert on_anna["users"] == []
    assert [u["id"] for u in on_host["users"]] == [anna.pk, host.pk, marc.pk]
    await m.disconnect()
    assert (await _presence_with_count(a, 2))["users"] == []
    assert [u["id"] for u in (await _presence_with_count(h, 2))["users"]] == [anna.pk, host.pk]
    await a.disconnect()
    await h.disconnect()


async def test_a_topic_without_presence_names_tells_everyone_the_names():
    anna, marc = await _people("Anna Berg", "Marc Dubois")
    register_topic("names_all_probe", gate=_everyone, presence=True)
    topic = f"names_all_probe:{secrets.token_hex(4)}"
    a = await open_socket(anna)
    await subscribe(a, topic)
    m = await open_socket(marc)
    await subscribe(m, topic)
    assert [u["name"] for u in m.presence["users"]] == ["Anna Berg", "Marc Dubois"]
    assert len((await _presence_with_count(a, 2))["users"]) == 2
    await a.disconnect()
    await m.disconnect()


async def test_the_webinar_room_tells_names_to_its_hosts_only(room):  # noqa: F811
    h = await open_socket(room.host)
    await subscribe(h, room.topic)
    s = await open_socket(room.speaker)
    await subscribe(s, room.topic)
    a = await open_socket(room.attendee)
    await subscribe(a, room.topic)
    assert s.presence["users"] == []
    assert a.presence == {"type": "presence", "topic": room.topic, "count": 3, "users": []}
    frame = await _presence_with_count(h, 3)
    assert sorted(u["name"] for u in frame["users"]) == [
        "Anna Attendee",
        "Hugo Host",
        "Sara Speaker",
    ]
    for ws in (a, s, h):
        await ws.disconnect()


async def test_a_recheck_stops_the_names_of_someone_no_longer_told_them():
    """A host who becomes an attendee: the next re-check sends the count-only state at once,
    and later frames come without names."""
    from realtime.services import topic_subscribers_recheck

    host, anna = await _people("Hugo Host", "Anna Berg")
    NAMES_FOR.add(host.pk)
    topic = f"names_probe:{secrets.token_hex(4)}"
    h = await open_socket(host)
    await subscribe(h, topic)
    assert h.presence["users"] == [{"id": host.pk, "name": "Hugo Host"}]
    NAMES_FOR.discard(host.pk)

    @sync_to_async
    def recheck() -> None:
        from django.db import transaction

        with transaction.atomic():
            topic_subscribers_recheck(topic=topic)

    await recheck()
    assert (await _presence_with_count(h, 1))["users"] == []
    a = await open_socket(anna)
    await subscribe(a, topic)
    assert (await _presence_with_count(h, 2))["users"] == []
    await a.disconnect()
    await h.disconnect()
