"""A property of the services: whatever people do — ask, accept, decline, propose another
slot, withdraw, cancel a meeting, let a request expire, in any order — nobody ends up with
two meetings, or a meeting and a held slot, at overlapping times, and the Booking table
matches exactly what is pending and confirmed. Checked on the tables themselves after
every sequence.

10,000 random operations in all (EXAMPLES sequences of OPERATIONS each), on a schedule whose
slots overlap their neighbours (20 minutes every 10), so most moves meet a conflict."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaking.models import (
    Booking,
    BookingKind,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    NoThanks,
    ProposedSlot,
    RequestStatus,
)
from matchmaking.services.meetings import meeting_cancel
from matchmaking.services.requests import (
    request_accept,
    request_cancel,
    request_create,
    request_decline,
    request_propose,
    requests_expire,
)
from notifications.models import Notification
from tests.matchmaking.meet_support import make_world

pytestmark = pytest.mark.django_db

EXAMPLES = int(__import__("os").environ.get("MEET_EXAMPLES", "100"))
OPERATIONS = 100  # EXAMPLES * OPERATIONS == 10,000
PEOPLE = 5
SLOTS = 8
CAP = 3
VERBS = ["create", "accept", "decline", "propose", "cancel", "cancel_meeting", "expire"]

operation = st.tuples(
    st.sampled_from(VERBS),
    st.integers(0, PEOPLE - 1),
    st.integers(0, PEOPLE - 1),
    st.lists(st.integers(0, SLOTS - 1), min_size=1, max_size=3),
    st.integers(0, 50),
)


def _schedule_world():
    world = make_world(people=PEOPLE, slots=0, meeting_cap=CAP)
    from matchmaking.models import MeetingSlot

    t0 = world.event.starts_at + dt.timedelta(days=1)
    world.slots = [
        MeetingSlot.objects.create(
            event=world.event,
            starts_at=t0 + dt.timedelta(minutes=10 * i),
            ends_at=t0 + dt.timedelta(minutes=10 * i + 20),
        )
        for i in range(SLOTS)
    ]
    return world


def _apply(world, verb, i, j, slot_indexes, pick):
    people, slots = world.people, world.slots
    me = people[i]
    if verb == "create":
        request_create(requester=me, recipient=people[j], slots=[slots[k] for k in slot_indexes])
        return
    if verb == "cancel_meeting":
        meetings = list(Meeting.objects.filter(status=MeetingStatus.CONFIRMED).order_by("pk"))
        if meetings:
            meeting = meetings[pick % len(meetings)]
            meeting_cancel(meeting=meeting, by=me)
        return
    pending = list(MeetingRequest.objects.filter(status=RequestStatus.PENDING).order_by("pk"))
    if not pending:
        return
    request = pending[pick % len(pending)]
    if verb == "expire":
        # The request's time is up: the worker's pass expires it and frees its holds.
        MeetingRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
        assert requests_expire() == 1
        return
    if verb == "accept":
        proposed = list(request.slots.order_by("pk"))
        request_accept(request=request, slot=proposed[pick % len(proposed)].slot, by=me)
    elif verb == "decline":
        request_decline(request=request, by=me)
    elif verb == "propose":
        request_propose(request=request, slot=slots[slot_indexes[0]], by=me)
    elif verb == "cancel":
        request_cancel(request=request, by=me)


def _check(world):
    bookings = list(
        Booking.objects.values_list(
            "user_id", "kind", "starts_at", "ends_at", "request_id", "meeting_id"
        )
    )
    # 1. Nobody's bookings overlap (there are no sessions here).
    per_user = defaultdict(list)
    for user_id, _kind, start, end, _r, _m in bookings:
        per_user[user_id].append((start, end))
    for spans in per_user.values():
        spans.sort()
        for (_s1, e1), (s2, _e2) in itertools.pairwise(spans):
            assert s2 >= e1, spans
    # 2. Nobody's confirmed meetings overlap, read from the Meeting table itself; each has
    #    exactly its two people's bookings at its slot; nobody passes the cap.
    meetings_of = defaultdict(list)
    confirmed = Meeting.objects.filter(status=MeetingStatus.CONFIRMED).select_related(
        "slot", "requester", "recipient"
    )
    for meeting in confirmed:
        for side in (meeting.requester, meeting.recipient):
            meetings_of[side.pk].append((meeting.slot.starts_at, meeting.slot.ends_at))
        mine = {(u, s, e) for u, k, s, e, _r, m in bookings if m == meeting.pk and k == "meeting"}
        assert mine == {
            (meeting.requester.user_id, meeting.slot.starts_at, meeting.slot.ends_at),
            (meeting.recipient.user_id, meeting.slot.starts_at, meeting.slot.ends_at),
        }
    for spans in meetings_of.values():
        assert len(spans) <= CAP
        spans.sort()
        for (_s1, e1), (s2, _e2) in itertools.pairwise(spans):
            assert s2 >= e1, spans
    cancelled = set(
        Meeting.objects.filter(status=MeetingStatus.CANCELLED).values_list("pk", flat=True)
    )
    assert not any(m in cancelled for *_rest, m in bookings)
    # 3. Holds belong to pending requests only, and hold every proposed slot for both.
    pending = {
        r.pk: r
        for r in MeetingRequest.objects.filter(status=RequestStatus.PENDING).select_related(
            "requester", "recipient"
        )
    }
    holds = defaultdict(set)
    for user_id, kind, start, end, request_id, _m in bookings:
        if kind == BookingKind.HOLD:
            assert request_id in pending
            holds[request_id].add((user_id, start, end))
    for proposed in ProposedSlot.objects.filter(request_id__in=list(pending)).select_related(
        "slot"
    ):
        request = pending[proposed.request_id]
        for user_id in (request.requester.user_id, request.recipient.user_id):
            assert (user_id, proposed.slot.starts_at, proposed.slot.ends_at) in holds[request.pk]


@pytest.fixture
def world(ecosystems):
    return _schedule_world()


def test_no_one_is_ever_booked_twice_at_once(world):
    counts = {"ops": 0, "done": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(operation, min_size=OPERATIONS, max_size=OPERATIONS))
    def run(operations):
        # Each sequence starts from an empty schedule.
        for model in (Booking, Meeting, MeetingRequest, NoThanks, Notification):
            model.objects.all().delete()
        for verb, i, j, slot_indexes, pick in operations:
            counts["ops"] += 1
            try:
                _apply(world, verb, i, j, slot_indexes, pick)
            except (ValidationError, PermissionDenied):
                continue
            counts["done"] += 1
        _check(world)

    run()
    assert counts["ops"] == EXAMPLES * OPERATIONS
    # The sequences did things, not only meet refusals.
    assert counts["done"] > counts["ops"] // 10
