"""The auto-scheduler through its services (matchmaking.services.scheduling): which requests
are mutual, what the draft holds, and applying it — including a placement that became
impossible meanwhile, which is skipped while the rest is applied."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from matchmaking.models import (
    Booking,
    BookingKind,
    DraftPlacement,
    Meeting,
    MeetingRequest,
    NoThanks,
    RequestStatus,
    ScheduleDraft,
    ScheduleDraftStatus,
)
from matchmaking.services.scheduling import (
    mutual_pairs,
    schedule_draft_apply,
    schedule_draft_discard,
    schedule_draft_run,
    skip_reason,
)
from matchmaking.services.setup import setup_save
from notifications.models import Notification
from tests.matchmaking.sched_support import ask, matchmaking_world, meet, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ecosystems):
    return matchmaking_world(slots=3)


def test_only_pending_unexpired_requests_both_ways_without_no_thanks_are_mutual(world):
    event = world.event
    a, b, c, d, e = (participant(event) for _ in range(5))
    ab, ba = ask(a, b), ask(b, a)
    ask(a, c)  # one way only
    ask(c, d), ask(d, c, status=RequestStatus.DECLINED)
    ask(a, e), ask(e, a, expires_at=timezone.now() - dt.timedelta(minutes=1))
    ask(d, e), ask(e, d)
    NoThanks.objects.create(participant=e, other=d)
    pairs = mutual_pairs(event)
    assert [(p.first.pk, p.second.pk) for p in pairs] == [(ab.pk, ba.pk)]


def test_a_draft_places_mutual_pairs_around_bookings_and_keeps_its_figures(world):
    event, (s0, s1, s2) = world.event, world.slots
    a, b, c, x = (participant(event) for _ in range(4))
    ab = ask(a, b, s0)  # their own hold at s0 does not count against them
    ask(b, a)
    ac = ask(a, c)
    ask(c, a)
    # c already meets x at s0 and s1 (confirmed meetings): a-c can only be at s2.
    meet(x, c, s0)
    meet(c, x, s1)
    draft = schedule_draft_run(event=event, user=world.organiser, time_limit=5)
    placements = {p.request_id: p.slot_id for p in draft.placements.all()}
    assert placements == {ab.pk: s0.pk, ac.pk: s2.pk}
    assert draft.status == ScheduleDraftStatus.DRAFT
    assert draft.figures["pairs_considered"] == 2
    assert draft.figures["pairs_placed"] == 2
    assert draft.figures["solver_status"] == "optimal"
    assert draft.created_by == world.organiser


def test_a_hold_of_another_request_and_the_cap_keep_a_pair_out(world):
    event, (s0, s1, s2) = world.event, world.slots
    setup_save(event=event, meeting_cap=1)
    a, b, c, d = (participant(event) for _ in range(4))
    # a and b: only s0 would do, but b holds s1, s2 for a request to d (not mutual).
    ask(b, d, s1, s2)
    ab = ask(a, b)
    ask(b, a)
    # c has met d already: with a cap of 1, c has no meeting left.
    meet(d, c, s0)
    ask(c, a), ask(a, c)
    draft = schedule_draft_run(event=event, user=world.organiser, time_limit=5)
    assert {p.request_id: p.slot_id for p in draft.placements.all()} == {ab.pk: s0.pk}


def test_apply_books_accepts_both_requests_notifies_both_and_skips_what_no_longer_fits(world):
    event, (s0, s1, _s2) = world.event, world.slots
    a, b, c, d = (participant(event) for _ in range(4))
    # Each request holds a slot for both people: the meeting replaces both holds.
    ab, ba = ask(a, b, s0), ask(b, a, s1)
    cd, dc = ask(c, d), ask(d, c)
    draft = schedule_draft_run(event=event, user=world.organiser, time_limit=5)
    assert draft.placements.count() == 2
    cd_slot = draft.placements.get(request=cd).slot
    # Meanwhile c books that very time with someone else: c-d no longer fits there.
    e = participant(event)
    meet(e, c, cd_slot)

    report = schedule_draft_apply(draft=draft, user=world.organiser)

    assert [m.request_id for m in report.meetings] == [ab.pk]
    assert [s.placement.request_id for s in report.skipped] == [cd.pk]
    meeting = Meeting.objects.get(request=ab)
    assert meeting.slot == s0
    for request in (ab, ba):
        request.refresh_from_db()
        assert request.status == RequestStatus.ACCEPTED
        assert request.answered_at is not None
    assert not Booking.objects.filter(request__in=[ab, ba], kind=BookingKind.HOLD).exists()
    assert Booking.objects.filter(meeting=meeting).count() == 2
    for request in (cd, dc):
        request.refresh_from_db()
        assert request.status == RequestStatus.PENDING
    told = Notification.objects.filter(kind="meeting.scheduled")
    assert sorted(n.recipient_id for n in told) == sorted([a.user_id, b.user_id])
    draft.refresh_from_db()
    assert draft.status == ScheduleDraftStatus.APPLIED
    assert draft.figures["applied"] == 1
    assert draft.figures["skipped"][0]["request"] == cd.pk
    # Stored as a code, read in the reader's language (an organiser team shares drafts).
    assert draft.figures["skipped"][0]["code"] == "slot_taken"
    with translation.override("fr"):
        assert skip_reason(draft.figures["skipped"][0]).startswith("L'un de vous")
    with translation.override("en"):
        assert skip_reason(draft.figures["skipped"][0]).startswith("One of you")
    with pytest.raises(ValidationError):
        schedule_draft_apply(draft=draft, user=world.organiser)
    with pytest.raises(ValidationError):
        schedule_draft_discard(draft=draft)


def test_apply_skips_a_pair_answered_meanwhile_and_discard_applies_nothing(world):
    event = world.event
    a, b = participant(event), participant(event)
    ab, _ba = ask(a, b), ask(b, a)
    draft = schedule_draft_run(event=event, user=world.organiser, time_limit=5)
    MeetingRequest.objects.filter(pk=ab.pk).update(status=RequestStatus.DECLINED)
    report = schedule_draft_apply(draft=draft, user=world.organiser)
    assert report.meetings == []
    assert len(report.skipped) == 1
    assert not Meeting.objects.exists()

    ask(a, b)  # a asks again (ab was declined; b's request still waits)
    second = schedule_draft_run(event=event, user=world.organiser, time_limit=5)
    assert second.placements.count() == 1
    schedule_draft_discard(draft=second)
    second.refresh_from_db()
    assert second.status == ScheduleDraftStatus.DISCARDED
    assert not Meeting.objects.exists()


def test_a_slot_held_for_another_mutual_pair_is_used_once_that_pair_is_placed(world):
    event, (s0, s1, s2) = world.event, world.slots
    a, b, c, x = (participant(event) for _ in range(4))
    ab = ask(a, b, s0)  # holds s0 for a and b
    ask(b, a)
    ac = ask(a, c)
    ask(c, a)
    meet(x, c, s1)  # c can only meet at s0 or s2
    meet(c, x, s2)
    draft = schedule_draft_run(event=event, user=world.organiser, time_limit=5)
    # a-c takes s0, which a holds for a-b: fine, as a-b is placed too (at s1).
    placements = {p.request_id: p.slot_id for p in draft.placements.all()}
    assert placements == {ab.pk: s1.pk, ac.pk: s0.pk}
    report = schedule_draft_apply(draft=draft, user=world.organiser)
    assert report.skipped == []
    assert set(Meeting.objects.filter(request__in=[ab, ac]).values_list("request", "slot")) == {
        (ab.pk, s1.pk),
        (ac.pk, s0.pk),
    }


def test_placements_that_wait_for_each_other_are_applied_together(world):
    event, (s0, s1, _s2) = world.event, world.slots
    a, b, c = (participant(event) for _ in range(3))
    ab = ask(a, b, s1)  # a holds s1 for a-b ...
    ask(b, a)
    ac = ask(a, c, s0)  # ... and s0 for a-c: the draft swaps them
    ask(c, a)
    draft = ScheduleDraft.objects.create(event=event, created_by=world.organiser)
    DraftPlacement.objects.create(draft=draft, request=ab, slot=s0)
    DraftPlacement.objects.create(draft=draft, request=ac, slot=s1)
    report = schedule_draft_apply(draft=draft, user=world.organiser)
    assert report.skipped == []
    assert set(Meeting.objects.values_list("request", "slot")) == {(ab.pk, s0.pk), (ac.pk, s1.pk)}
    assert not Booking.objects.filter(kind=BookingKind.HOLD).exists()
