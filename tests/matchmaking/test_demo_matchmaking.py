"""The matchmaking demo data: an event in progress today with its meeting schedule, about
thirty participants writing in several languages, pending requests holding their slots,
accepted meetings (some held, one no-show) and mutual requests; the bookings agree with
them, and seeding again gives the same data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from matchmaking.demo import EVENT_SLUG, PAIRS, demo_matchmaking
from matchmaking.models import (
    Booking,
    BookingKind,
    MatchmakingSetup,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    Participant,
    RequestStatus,
)
from webinars.models import Event

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _figures() -> dict[str, int]:
    event = Event.objects.get(slug=EVENT_SLUG)
    return {
        "participants": Participant.objects.filter(event=event).count(),
        "meetings": Meeting.objects.filter(event=event).count(),
        "pending": MeetingRequest.objects.filter(event=event, status="pending").count(),
        "holds": Booking.objects.filter(event=event, kind=BookingKind.HOLD).count(),
        "slots": event.meeting_slots.count(),
    }


def test_the_demo_has_a_matchmaking_event_in_progress():
    call_command("seed_demo", organisations=80, seed=3, stdout=io.StringIO())
    event = Event.objects.get(slug=EVENT_SLUG)
    now = timezone.now()
    assert event.kind == "matchmaking"
    assert event.starts_at <= now < event.ends_at
    assert event.starts_at.date() == now.date() or event.starts_at > now - dt.timedelta(hours=3)
    assert MatchmakingSetup.objects.filter(event=event).exists()
    slots = list(event.meeting_slots.all())
    assert any(s.ends_at <= now for s in slots)
    assert any(s.starts_at > now for s in slots)

    participants = Participant.objects.filter(event=event)
    assert 25 <= participants.count() <= 40
    assert participants.exclude(organisation=None).count() >= 24
    assert participants.filter(listings__isnull=False).distinct().count() >= 2 * len(PAIRS)
    languages = {p.listings.first().language for p in participants if p.listings.exists()}
    assert len(languages) >= 4

    meetings = Meeting.objects.filter(event=event)
    assert meetings.filter(outcome=MeetingOutcome.HELD).count() >= 3
    assert meetings.filter(outcome=MeetingOutcome.NO_SHOW).count() >= 1
    assert meetings.filter(outcome="").count() >= 3  # still to come
    for meeting in meetings:  # each meeting is booked for both people
        assert meeting.request.status == RequestStatus.ACCEPTED
        assert meeting.bookings.count() == 2
    pending = MeetingRequest.objects.filter(event=event, status=RequestStatus.PENDING)
    assert pending.count() >= 8
    for request in pending:  # each pending request holds its proposed slots for both
        assert request.holds.count() == 2 * request.slots.count() > 0
    mutual = [
        r for r in pending
        if pending.filter(requester=r.recipient, recipient=r.requester).exists()
    ]  # fmt: skip
    assert len(mutual) >= 2 * 4  # four pairs, both directions
    # Nobody is booked twice at one time (the database would have refused it).
    per_person = Booking.objects.values("user", "starts_at").annotate(n=Count("pk"))
    assert not [row for row in per_person if row["n"] > 1 and row["starts_at"] >= event.starts_at
                and Booking.objects.filter(user=row["user"], starts_at=row["starts_at"])
                .exclude(kind=BookingKind.SESSION).count() > 1]  # fmt: skip

    before = _figures()
    demo_matchmaking(seed=3, today=timezone.localdate(), progress=lambda line: None)
    assert _figures() == before
    assert Event.objects.filter(slug=EVENT_SLUG).count() == 1
