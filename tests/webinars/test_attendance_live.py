"""Attendance through real sockets (the full ASGI app): people join and leave the room's
topic, with two tabs, a resubscribe, a reconnect and an unsubscribe; the report's per-person
times and totals are those of the script within ±5 s.

The live layer stamps each join and leave with its own clock (`timezone.now()` in
realtime.consumers) and passes it to `attendance_record`. The first test replaces that clock
with a scripted one, so an hour of attendance takes no time; the second runs on the real
clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.utils import timezone

import realtime.consumers
from tests.realtime.conftest import open_socket, subscribe
from webinars.models import AttendanceSpan

TOLERANCE = 5  # seconds


class ScriptClock:
    def __init__(self, start: datetime) -> None:
        self.start = start
        self.at = start

    def set(self, minutes: float) -> None:
        self.at = self.start + timedelta(minutes=minutes)


def _use_clock(monkeypatch, clock: ScriptClock) -> None:
    real = realtime.consumers.timezone
    fake = SimpleNamespace(**{name: getattr(real, name) for name in dir(real) if name[0] != "_"})
    fake.now = lambda: clock.at
    monkeypatch.setattr(realtime.consumers, "timezone", fake)


async def _settled(expected_spans: int) -> None:
    """Wait until the hook has written every span and closed them all (it runs after the
    fact, in the background)."""
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        spans = await sync_to_async(
            lambda: (
                AttendanceSpan.objects.count(),
                AttendanceSpan.objects.filter(left_at__isnull=True).count(),
            )
        )()
        if spans == (expected_spans, 0):
            return
        assert asyncio.get_running_loop().time() < deadline, spans
        await asyncio.sleep(0.02)


def _report_json(user, event_id):
    client = Client()
    client.force_login(user)
    response = client.get(f"/api/v1/events/{event_id}/report/")
    assert response.status_code == 200
    return response.json()


def _close_to(value: float, expected: float) -> bool:
    return abs(value - expected) <= TOLERANCE


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
async def test_the_report_matches_a_scripted_hour_of_joins_and_leaves(room, monkeypatch):
    # An hour that ended a minute ago, while the room is still open (the gate uses the real
    # clock); times are whole minutes from `start`.
    start = timezone.now() - timedelta(minutes=61)
    clock = ScriptClock(start)
    _use_clock(monkeypatch, clock)
    topic = room.topic

    clock.set(0)
    host = await open_socket(room.host)
    await subscribe(host, topic)
    anna1 = await open_socket(room.attendee)
    await subscribe(anna1, topic)
    clock.set(5)
    bruno = await open_socket(room.other_attendee)
    await subscribe(bruno, topic)
    clock.set(10)
    anna2 = await open_socket(room.attendee)  # a second tab
    await subscribe(anna2, topic)
    clock.set(12)
    await subscribe(anna1, topic)  # a resubscribe on the same socket: the same span
    clock.set(15)
    await bruno.disconnect()  # Bruno's connection drops…
    clock.set(17)
    bruno = await open_socket(room.other_attendee)  # …and his client reconnects
    await subscribe(bruno, topic)
    clock.set(30)
    await anna1.disconnect()
    clock.set(40)
    await anna2.send_json_to({"type": "unsubscribe", "topic": topic, "id": "u"})
    while (await anna2.receive_json_from(timeout=5))["type"] != "unsubscribed":
        pass  # presence frames of the others' comings and goings may come first
    clock.set(45)
    await subscribe(anna2, topic)  # back in the room on the same socket: a new span
    clock.set(50)
    await bruno.disconnect()
    clock.set(60)
    await anna2.disconnect()
    await host.disconnect()
    # Hugo 1, Anna 3 (tab 1, tab 2 twice), Bruno 2.
    await _settled(6)

    report = await sync_to_async(_report_json)(room.organiser, room.event.pk)
    people = {p["name"]: p for p in report["people"]}
    expected = {
        "Hugo Host": [(0, 60)],
        "Anna Attendee": [(0, 40), (45, 60)],
        "Bruno Attendee": [(5, 15), (17, 50)],
    }
    assert set(people) == set(expected)
    for name, intervals in expected.items():
        person = people[name]
        got = [
            (
                (datetime.fromisoformat(i["joined_at"]) - start).total_seconds(),
                (datetime.fromisoformat(i["left_at"]) - start).total_seconds(),
            )
            for i in person["intervals"]
        ]
        assert len(got) == len(intervals), (name, got)
        for (joined, left), (want_joined, want_left) in zip(got, intervals, strict=True):
            assert _close_to(joined, want_joined * 60), (name, got)
            assert _close_to(left, want_left * 60), (name, got)
        total = sum(b - a for a, b in intervals) * 60
        assert _close_to(person["seconds"], total), (name, person["seconds"])
        assert not any(i["open"] for i in person["intervals"])
    assert report["unique_attendees"] == 3
    assert report["registered"] == 3
    assert _close_to(report["average_seconds"], (60 + 55 + 43) * 60 / 3)
    assert report["peak"] == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
async def test_the_real_clock_records_a_short_visit(room):
    before = timezone.now()
    anna = await open_socket(room.attendee)
    await subscribe(anna, room.topic)
    await anna.disconnect()
    after = timezone.now()
    await _settled(1)
    report = await sync_to_async(_report_json)(room.organiser, room.event.pk)
    (person,) = report["people"]
    joined = datetime.fromisoformat(person["first_joined_at"])
    left = datetime.fromisoformat(person["last_left_at"])
    assert before - timedelta(seconds=TOLERANCE) <= joined <= left
    assert left <= after + timedelta(seconds=TOLERANCE)
    assert 0 <= person["seconds"] <= (after - before).total_seconds() + TOLERANCE


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
async def test_a_removal_from_the_room_ends_the_persons_span(room):
    from realtime.services import subscription_revoke
    from webinars.models import RoomRemoval

    anna = await open_socket(room.attendee)
    await subscribe(anna, room.topic)

    def remove():
        RoomRemoval.objects.create(event=room.event, user=room.attendee, removed_by=room.host)
        subscription_revoke(user_ids=[room.attendee.pk], topic=room.topic)

    await sync_to_async(remove)()
    while (await anna.receive_json_from(timeout=5))["type"] != "unsubscribed":
        pass
    await _settled(1)  # closed by the access cut, while the socket stays connected
    span = await sync_to_async(AttendanceSpan.objects.get)()
    assert span.left_at is not None
    await anna.disconnect()
