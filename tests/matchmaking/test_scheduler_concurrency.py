"""Applying a schedule draft under concurrency, on PostgreSQL (real row locks; SQLite's
shared in-memory test database locks whole tables, so these are skipped there). Each writer
is a thread with its own database connection, all released together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from matchmaking.models import Booking, Meeting, MeetingStatus, ScheduleDraftStatus
from matchmaking.services.bookings import SlotTakenError
from matchmaking.services.requests import lock_participants
from matchmaking.services.scheduling import schedule_draft_apply, schedule_draft_run
from notifications.models import Notification
from tests.matchmaking.sched_support import ask, matchmaking_world, meet, participant

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks: SQLite's shared in-memory test database locks tables",
    ),
    pytest.mark.django_db(transaction=True),
]


def _at_once(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job in its own thread, released together; each one's result or error."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except BaseException as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def drafted(ecosystems):
    world = matchmaking_world(slots=4)
    people = [participant(world.event) for _ in range(16)]
    for i in range(0, 16, 2):
        ask(people[i], people[i + 1])
        ask(people[i + 1], people[i])
    draft = schedule_draft_run(event=world.event, user=world.organiser, time_limit=5)
    assert draft.placements.count() == 8
    return world, people, draft


def test_ten_concurrent_applies_of_one_draft_book_it_once(drafted):
    world, _people, draft = drafted
    results = _at_once(
        [lambda: schedule_draft_apply(draft=draft, user=world.organiser) for _ in range(10)]
    )
    reports = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(reports) == 1
    assert len(refused) == 9
    assert len(reports[0].meetings) == 8
    assert Meeting.objects.count() == 8
    assert Notification.objects.filter(kind="meeting.scheduled").count() == 16
    draft.refresh_from_db()
    assert draft.status == ScheduleDraftStatus.APPLIED


def test_apply_racing_people_who_book_the_same_times_never_double_books(drafted):
    world, _people, draft = drafted
    outsiders = [participant(world.event) for _ in range(8)]
    placements = list(draft.placements.select_related("slot", "request"))

    def book(i: int) -> Any:
        # Someone takes the very time the draft gives person i's pair, in the lock order of
        # every booking service (people first, ascending), as request_accept does. Booking
        # without it is not a path the product has: it can deadlock against the apply.
        placement = placements[i]
        with transaction.atomic():
            lock_participants(outsiders[i], placement.request.requester)
            return meet(outsiders[i], placement.request.requester, placement.slot)

    results = _at_once(
        [lambda: schedule_draft_apply(draft=draft, user=world.organiser)]
        + [lambda i=i: book(i) for i in range(8)]
    )
    report = results[0]
    assert not isinstance(report, BaseException), report
    won_by_outsiders = [r for r in results[1:] if isinstance(r, Meeting)]
    assert all(isinstance(r, Meeting | SlotTakenError) for r in results[1:]), [
        repr(r)[:600] for r in results[1:] if not isinstance(r, Meeting)
    ]
    # Each contested time went to exactly one side.
    assert len(report.meetings) + len(report.skipped) == 8
    assert len(report.meetings) + len(won_by_outsiders) == 8
    # No one has two meetings at once.
    for booking in Booking.objects.filter(meeting__status=MeetingStatus.CONFIRMED):
        assert (
            Booking.objects.filter(
                user_id=booking.user_id,
                starts_at__lt=booking.ends_at,
                ends_at__gt=booking.starts_at,
            ).count()
            == 1
        )
