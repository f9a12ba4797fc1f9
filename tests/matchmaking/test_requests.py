"""Meeting requests through the services: the rules, the holds they keep in the Booking
table, the notifications of each step, and the expiry drain."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from matchmaking.models import (
    Booking,
    BookingKind,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    NoThanks,
    RequestStatus,
)
from matchmaking.services.requests import (
    no_thanks,
    request_accept,
    request_cancel,
    request_create,
    request_decline,
    request_propose,
    requests_expire,
)
from notifications.models import Notification
from notifications.outbox import outbox_drain
from tests.matchmaking.meet_support import add_participant, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ecosystems):
    return make_world()


def _kinds(participant):
    return list(
        Notification.objects.filter(recipient=participant.user).values_list("kind", flat=True)
    )


def _holds(request):
    return sorted(
        Booking.objects.filter(request=request, kind=BookingKind.HOLD).values_list(
            "user_id", "starts_at"
        )
    )


def test_a_request_holds_its_slots_for_both_and_tells_the_recipient(world):
    a, b, _c = world.people
    world.setup.request_ttl_hours = 500
    world.setup.save()
    request = request_create(requester=a, recipient=b, slots=world.slots[:2], message=" Hi ")
    assert request.status == RequestStatus.PENDING
    assert request.message == "Hi"
    assert len(_holds(request)) == 4
    assert {u for u, _s in _holds(request)} == {a.user_id, b.user_id}
    assert _kinds(b) == ["meeting.requested"]
    assert _kinds(a) == []
    # Never after the last proposed slot; here the TTL (500 h) ends later than the slot.
    assert request.expires_at == world.slots[1].starts_at


def test_expiry_is_the_ttl_when_it_comes_before_the_slot(ecosystems):
    world = make_world(request_ttl_hours=2)
    a, b, _c = world.people
    before = timezone.now()
    request = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    assert before + dt.timedelta(hours=2) <= request.expires_at
    assert request.expires_at <= timezone.now() + dt.timedelta(hours=2)


def test_the_rules_of_a_new_request(world):
    a, b, c = world.people
    with pytest.raises(ValidationError, match="yourself"):
        request_create(requester=a, recipient=a, slots=[world.slots[0]])
    with pytest.raises(ValidationError):
        request_create(requester=a, recipient=b, slots=[])
    with pytest.raises(ValidationError):
        request_create(requester=a, recipient=b, slots=world.slots[:4])
    past = MeetingSlot.objects.create(
        event=world.event,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() - dt.timedelta(minutes=40),
    )
    with pytest.raises(ValidationError, match="started"):
        request_create(requester=a, recipient=b, slots=[past])
    other = make_world(people=1)
    with pytest.raises(ValidationError):
        request_create(requester=a, recipient=b, slots=[other.slots[0]])
    c.withdrawn_at = timezone.now()
    c.save()
    with pytest.raises(ValidationError, match="no longer"):
        request_create(requester=a, recipient=c, slots=[world.slots[0]])
    world.setup.requests_open = False
    world.setup.save()
    with pytest.raises(ValidationError, match="closed"):
        request_create(requester=a, recipient=b, slots=[world.slots[0]])
    assert not MeetingRequest.objects.exists()
    assert not Booking.objects.exists()


def test_one_pending_request_per_direction_and_asking_back_makes_a_mutual_pair(world):
    from matchmaking.services.scheduling import mutual_pairs

    a, b, _c = world.people
    request_create(requester=a, recipient=b, slots=[world.slots[0]])
    with pytest.raises(ValidationError, match="already asked"):
        request_create(requester=a, recipient=b, slots=[world.slots[3]])
    request_create(requester=b, recipient=a, slots=[world.slots[3]])
    assert len(mutual_pairs(world.event)) == 1


def test_a_held_slot_is_not_offered_twice(world):
    a, b, c = world.people
    request_create(requester=a, recipient=b, slots=[world.slots[0]])
    # b's time at slot 0 is held for a's request: c cannot have it.
    with pytest.raises(ValidationError, match="already has"):
        request_create(requester=c, recipient=b, slots=[world.slots[0], world.slots[1]])
    assert not MeetingRequest.objects.filter(requester=c).exists()
    assert not Booking.objects.filter(user=c.user).exists()


def test_accepting_books_the_meeting_and_frees_the_other_holds(world):
    a, b, _c = world.people
    request = request_create(requester=a, recipient=b, slots=world.slots[:3])
    meeting = request_accept(request=request, slot=world.slots[1], by=b)
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert request.answered_at is not None
    assert meeting.slot == world.slots[1]
    assert not Booking.objects.filter(kind=BookingKind.HOLD).exists()
    booked = Booking.objects.filter(meeting=meeting, kind=BookingKind.MEETING)
    assert sorted(booked.values_list("user_id", flat=True)) == sorted([a.user_id, b.user_id])
    assert "meeting.accepted" in _kinds(a)
    assert "meeting.accepted" not in _kinds(b)
    with pytest.raises(ValidationError, match="already been answered"):
        request_accept(request=request, slot=world.slots[0], by=b)


def test_only_the_other_side_accepts_a_slot(world):
    a, b, c = world.people
    request = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    with pytest.raises(PermissionDenied):
        request_accept(request=request, slot=world.slots[0], by=a)
    with pytest.raises(PermissionDenied):
        request_accept(request=request, slot=world.slots[0], by=c)
    with pytest.raises(ValidationError, match="not one of"):
        request_accept(request=request, slot=world.slots[4], by=b)
    assert not Meeting.objects.exists()


def test_the_recipient_proposes_another_slot_and_the_requester_accepts_it(world):
    a, b, _c = world.people
    request = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    with pytest.raises(PermissionDenied):
        request_propose(request=request, slot=world.slots[2], by=a)
    request_propose(request=request, slot=world.slots[2], by=b)
    assert "meeting.proposed" in _kinds(a)
    assert len(_holds(request)) == 4
    with pytest.raises(ValidationError, match="already proposed"):
        request_propose(request=request, slot=world.slots[2], by=b)
    # b proposed slot 2: a accepts it; b cannot.
    with pytest.raises(PermissionDenied):
        request_accept(request=request, slot=world.slots[2], by=b)
    meeting = request_accept(request=request, slot=world.slots[2], by=a)
    assert meeting.slot == world.slots[2]
    assert "meeting.accepted" in _kinds(b)


def test_decline_and_cancel_free_the_holds(world):
    a, b, c = world.people
    first = request_create(requester=a, recipient=b, slots=world.slots[:2])
    with pytest.raises(PermissionDenied):
        request_decline(request=first, by=a)
    request_decline(request=first, by=b, reason="Busy that day")
    first.refresh_from_db()
    assert (first.status, first.decline_reason) == (RequestStatus.DECLINED, "Busy that day")
    assert _holds(first) == []
    assert "meeting.declined" in _kinds(a)
    second = request_create(requester=c, recipient=b, slots=world.slots[:2])
    with pytest.raises(PermissionDenied):
        request_cancel(request=second, by=b)
    request_cancel(request=second, by=c)
    second.refresh_from_db()
    assert second.status == RequestStatus.CANCELLED
    assert _holds(second) == []
    assert "meeting.cancelled" in _kinds(b)
    with pytest.raises(ValidationError):
        request_cancel(request=second, by=c)


def test_the_cap_counts_confirmed_meetings_of_both_people(ecosystems):
    world = make_world(people=4, meeting_cap=1)
    a, b, c, d = world.people
    request_accept(
        request=request_create(requester=a, recipient=b, slots=[world.slots[0]]),
        slot=world.slots[0],
        by=b,
    )
    # b is at the event's cap of one: accepting another is refused, for either side.
    late = request_create(requester=c, recipient=b, slots=[world.slots[1]])
    with pytest.raises(ValidationError, match="reached your number"):
        request_accept(request=late, slot=world.slots[1], by=b)
    mine = request_create(requester=b, recipient=d, slots=[world.slots[2]])
    with pytest.raises(ValidationError, match="other person has reached"):
        request_accept(request=mine, slot=world.slots[2], by=d)
    # A participant's own lower cap counts too.
    world.setup.meeting_cap = 5
    world.setup.save()
    c.meeting_cap = 0
    c.save()
    with pytest.raises(ValidationError, match="reached"):
        request_accept(request=late, slot=world.slots[1], by=b)
    assert Meeting.objects.count() == 1


def test_no_thanks_blocks_the_pair_both_ways_and_ends_what_is_pending(world):
    a, b, c = world.people
    sent = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    received = request_create(requester=c, recipient=a, slots=[world.slots[1]])
    no_thanks(participant=a, other=b)
    no_thanks(participant=a, other=b)  # twice: nothing more
    no_thanks(participant=a, other=c)
    assert NoThanks.objects.count() == 2
    sent.refresh_from_db()
    received.refresh_from_db()
    assert sent.status == RequestStatus.CANCELLED
    assert received.status == RequestStatus.DECLINED
    assert not Booking.objects.exists()
    with pytest.raises(ValidationError, match="No meetings"):
        request_create(requester=b, recipient=a, slots=[world.slots[2]])
    with pytest.raises(ValidationError, match="No meetings"):
        request_create(requester=a, recipient=b, slots=[world.slots[2]])


def test_requests_expire_in_the_worker_drain_and_free_their_holds(world):
    a, b, c = world.people
    old = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    fresh = request_create(requester=c, recipient=b, slots=[world.slots[1]])
    MeetingRequest.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert outbox_drain() >= 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == RequestStatus.EXPIRED
    assert fresh.status == RequestStatus.PENDING
    assert _holds(old) == []
    assert len(_holds(fresh)) == 2
    assert "meeting.expired" in _kinds(a)
    assert "meeting.expired" in _kinds(b)
    assert requests_expire() == 0
    # An expired request cannot be accepted, even if the drain has not run yet.
    MeetingRequest.objects.filter(pk=fresh.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        request_accept(request=fresh, slot=world.slots[1], by=b)


def test_a_withdrawn_participant_cannot_have_a_meeting_accepted(world):
    a, b, _c = world.people
    request = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    a.withdrawn_at = timezone.now()
    a.save()
    with pytest.raises(ValidationError, match="no longer"):
        request_accept(request=request, slot=world.slots[0], by=b)


def test_notifications_are_written_in_the_same_transaction(
    world, django_capture_on_commit_callbacks
):
    a, _b, _c = world.people
    d = add_participant(world)
    with django_capture_on_commit_callbacks():
        request = request_create(requester=a, recipient=d, slots=[world.slots[0]])
    note = Notification.objects.get(recipient=d.user)
    assert note.kind == "meeting.requested"
    assert str(request.pk) in note.url


def test_the_person_asked_proposes_at_most_three_other_times(world):
    a, b, _c = world.people
    request = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    for slot in world.slots[1:4]:
        request_propose(request=request, slot=slot, by=b)
    with pytest.raises(ValidationError, match="three other times"):
        request_propose(request=request, slot=world.slots[4], by=b)
    assert request.slots.count() == 4
