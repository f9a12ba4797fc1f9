"""The organiser's dashboard (GET events/{slug}/dashboard/): requests by status (a pending
request past its expiry counts as expired), meetings confirmed, held, no-show and
cancelled, the held rates, per day in the event's time zone, and the oldest pending
requests first; in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from matchmaking.models import Meeting, MeetingOutcome, MeetingStatus, RequestStatus
from tests.matchmaking.sched_support import ask, matchmaking_world, meet, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ecosystems):
    return matchmaking_world(slots=4)


def _dashboard(world, **extra):
    client = APIClient()
    client.force_authenticate(world.organiser)
    response = client.get(f"/api/v1/matchmaking/events/{world.event.slug}/dashboard/", **extra)
    assert response.status_code == 200
    return response.json()


def test_counts_rates_and_days(world):
    event, slots = world.event, world.slots
    people = [participant(event) for _ in range(8)]
    a, b, c, d, e, f, g, h = people
    # Four meetings: held, held, no-show, not yet reported; a fifth cancelled.
    outcomes = [MeetingOutcome.HELD, MeetingOutcome.HELD, MeetingOutcome.NO_SHOW, ""]
    for (x, y), slot, outcome in zip(
        [(a, b), (c, d), (e, f), (g, h)], slots, outcomes, strict=True
    ):
        meeting = meet(x, y, slot)
        Meeting.objects.filter(pk=meeting.pk).update(outcome=outcome)
    cancelled = meet(a, c, slots[2])
    Meeting.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED)
    # Requests: 5 accepted (the meetings), 2 pending (one sent 3 days ago), 1 expired while
    # pending, 1 declined.
    now = timezone.now()
    old = ask(b, h, created_at=now - dt.timedelta(days=3))
    new = ask(d, h)
    ask(f, h, expires_at=now - dt.timedelta(hours=1))
    ask(e, h, status=RequestStatus.DECLINED)

    body = _dashboard(world)
    totals = body["totals"]
    assert {k: v for k, v in totals.items() if k.startswith("requests_")} == {
        "requests_pending": 2,
        "requests_accepted": 5,
        "requests_declined": 1,
        "requests_cancelled": 0,
        "requests_expired": 1,
    }
    assert {k: v for k, v in totals.items() if k.startswith("meetings_")} == {
        "meetings_confirmed": 4,
        "meetings_held": 2,
        "meetings_no_show": 1,
        "meetings_cancelled": 1,
    }
    assert totals["held_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert totals["held_of_accepted"] == pytest.approx(2 / 5, abs=1e-4)
    assert body["pending_total"] == 2
    assert [p["id"] for p in body["pending"]] == [old.pk, new.pk]
    assert body["pending"][0]["age_hours"] >= 72
    # Per day: the old request three days ago; everything else today; meetings on the
    # slots' day (tomorrow), in the event's zone.
    days = {d["day"]: d for d in body["days"]}
    slot_day = slots[0].starts_at.astimezone(dt.timezone(dt.timedelta(hours=1))).date()
    assert days[slot_day.isoformat()]["meetings_confirmed"] == 4
    assert days[slot_day.isoformat()]["held_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert sum(d["requests_pending"] for d in body["days"]) == 2
    assert len(body["days"]) >= 2


def test_an_empty_event_has_no_rates(world):
    body = _dashboard(world)
    assert body["totals"]["held_rate"] is None
    assert body["totals"]["held_of_accepted"] is None
    assert body["days"] == []
    assert body["pending"] == []


def test_the_dashboard_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    event = world.event
    people = [participant(event) for _ in range(12)]
    for i in range(0, 12, 2):
        ask(people[i], people[i + 1])
        meet(people[i + 1], people[i], world.slots[i % 4])
    with django_assert_max_num_queries(12):
        body = _dashboard(world)
    assert body["totals"]["requests_pending"] == 6
