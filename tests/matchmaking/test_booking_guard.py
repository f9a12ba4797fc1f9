"""The database itself refuses overlapping time for one person (migration 0002): two
meetings, a meeting and a held slot, a meeting and a registered session. Two different
sessions may overlap. Written straight to the table, past every service: the guard holds
even for code that forgets to check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from matchmaking.models import Booking, BookingKind, MeetingRequest, MeetingSlot, Participant
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)


def _span(start_min: int, end_min: int) -> dict:
    return {
        "starts_at": T0 + dt.timedelta(minutes=start_min),
        "ends_at": T0 + dt.timedelta(minutes=end_min),
    }


@pytest.fixture
def world():
    event = EventFactory(kind="matchmaking")
    anna, marc = UserFactory(), UserFactory()
    a = Participant.objects.create(event=event, user=anna)
    m = Participant.objects.create(event=event, user=marc)
    slot = MeetingSlot.objects.create(event=event, **_span(0, 20))
    request = MeetingRequest.objects.create(event=event, requester=a, recipient=m, expires_at=T0)
    sessions = [EventFactory(), EventFactory()]
    return event, anna, marc, slot, request, sessions


def _book(user, event, kind, span, *, request=None, session=None):
    with transaction.atomic():
        return Booking.objects.create(
            user=user, event=event, kind=kind, request=request, session=session, **span
        )


def test_a_held_slot_refuses_another_hold_or_a_session_at_the_same_time(world):
    event, anna, marc, _slot, request, (s1, _s2) = world
    _book(anna, event, BookingKind.HOLD, _span(0, 20), request=request)
    with pytest.raises(IntegrityError):
        _book(anna, event, BookingKind.HOLD, _span(10, 30), request=request)
    with pytest.raises(IntegrityError):
        _book(anna, event, BookingKind.SESSION, _span(15, 60), session=s1)
    # Back to back is no overlap; another person is not concerned.
    _book(anna, event, BookingKind.HOLD, _span(20, 40), request=request)
    _book(marc, event, BookingKind.HOLD, _span(0, 20), request=request)
    assert Booking.objects.filter(user=anna).count() == 2


def test_two_sessions_may_overlap_but_the_same_session_is_booked_once(world):
    event, anna, _marc, _slot, request, (s1, s2) = world
    _book(anna, event, BookingKind.SESSION, _span(0, 60), session=s1)
    _book(anna, event, BookingKind.SESSION, _span(30, 90), session=s2)
    with pytest.raises(IntegrityError):
        _book(anna, event, BookingKind.SESSION, _span(0, 60), session=s1)
    with pytest.raises(IntegrityError):
        _book(anna, event, BookingKind.HOLD, _span(40, 50), request=request)


def test_moving_a_booking_onto_another_is_refused_too(world):
    event, anna, _marc, _slot, request, _sessions = world
    _book(anna, event, BookingKind.HOLD, _span(0, 20), request=request)
    later = _book(anna, event, BookingKind.HOLD, _span(60, 80), request=request)
    later.starts_at, later.ends_at = _span(10, 30).values()
    with pytest.raises(IntegrityError), transaction.atomic():
        later.save()
    later.refresh_from_db()
    assert later.starts_at == T0 + dt.timedelta(minutes=60)


def test_booking_a_meeting_frees_the_holds_and_refuses_a_taken_time(world):
    from matchmaking.services.bookings import SlotTakenError, meeting_book, slot_hold

    event, anna, marc, slot, request, _sessions = world
    a, m = request.requester, request.recipient
    with transaction.atomic():
        slot_hold(request=request, slot=slot, proposed_by=a)
    assert Booking.objects.filter(request=request, kind=BookingKind.HOLD).count() == 2
    with transaction.atomic():
        meeting = meeting_book(request=request, slot=slot)
    assert not Booking.objects.filter(kind=BookingKind.HOLD).exists()
    assert set(Booking.objects.filter(meeting=meeting).values_list("user_id", flat=True)) == {
        anna.pk,
        marc.pk,
    }
    # Marc cannot be held at that time for someone else's request: nothing is written.
    olga = Participant.objects.create(event=event, user=UserFactory())
    other = MeetingRequest.objects.create(event=event, requester=olga, recipient=m, expires_at=T0)
    with pytest.raises(SlotTakenError), transaction.atomic():
        slot_hold(request=other, slot=slot, proposed_by=olga)
    assert not Booking.objects.filter(request=other).exists()
    assert not other.slots.exists()
