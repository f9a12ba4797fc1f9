"""The organiser's auto-scheduler: place the mutual requests of an event in its meeting
slots as a draft, reviewed before it is applied.

A **mutual request** is a pair of participants who both asked each other: two requests
A→B and B→A, both pending and not expired, neither person withdrawn, and no "no thanks"
between them either way. The pair is placed once (one meeting, whose request is the older
of the two); applying it accepts both requests.

The solver (matchmaking.scheduler) gets, for each pair, the slots where neither person has
a booking — a meeting, a session, or a slot held by another request; the holds of the pair's
own two requests do not count, the meeting replaces them — and each person's cap left (the
event's cap, or the person's lower one, minus their confirmed meetings). Only slots that have
not started are offered.

Preconditions of every function: the caller checked that the user organises the event
(matchmaking.selectors.dashboard.organiser_event_get_for / draft_get_for).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from matchmaking.models import (
    Booking,
    BookingKind,
    DraftPlacement,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    MeetingStatus,
    NoThanks,
    RequestStatus,
    ScheduleDraft,
    ScheduleDraftStatus,
)
from matchmaking.scheduler import Key, Pair, Problem, schedule_solve
from matchmaking.services.bookings import SlotTakenError, holds_release, meeting_book
from matchmaking.services.requests import lock_participants
from matchmaking.services.setup import setup_for
from notifications.sentences import Sentence
from notifications.services import notify
from webinars.models import Event

logger = logging.getLogger(__name__)


def _time_limit() -> float:
    return float(settings.MATCHMAKING_SCHEDULER_SECONDS)


@dataclass
class MutualPair:
    first: MeetingRequest  # the older request: the meeting's
    second: MeetingRequest


def mutual_pairs(event: Event, *, now: datetime | None = None) -> list[MutualPair]:
    """The event's mutual requests (see the module's docstring), oldest first."""
    now = now or timezone.now()
    pending = list(
        MeetingRequest.objects.filter(
            event=event,
            status=RequestStatus.PENDING,
            expires_at__gt=now,
            requester__withdrawn_at__isnull=True,
            recipient__withdrawn_at__isnull=True,
        )
        .select_related("requester__user", "recipient__user")
        .order_by("created_at", "id")
    )
    by_direction = {(r.requester_id, r.recipient_id): r for r in pending}
    refused = {
        frozenset(pair)
        for pair in NoThanks.objects.filter(participant__event=event).values_list(
            "participant_id", "other_id"
        )
    }
    pairs = []
    for request in pending:
        other = by_direction.get((request.recipient_id, request.requester_id))
        if other is None or frozenset((request.requester_id, request.recipient_id)) in refused:
            continue
        if (request.created_at, request.pk) < (other.created_at, other.pk):
            pairs.append(MutualPair(first=request, second=other))
    return pairs


def _caps_left(event: Event, participants: dict[int, Any]) -> dict[int, int]:
    cap = setup_for(event).meeting_cap
    confirmed: dict[int, int] = defaultdict(int)
    meetings = Meeting.objects.filter(event=event, status=MeetingStatus.CONFIRMED).filter(
        Q(requester_id__in=participants) | Q(recipient_id__in=participants)
    )
    for requester_id, recipient_id in meetings.values_list("requester_id", "recipient_id"):
        confirmed[requester_id] += 1
        confirmed[recipient_id] += 1
    return {
        pk: max(min(cap, p.meeting_cap if p.meeting_cap is not None else cap) - confirmed[pk], 0)
        for pk, p in participants.items()
    }


def scheduling_problem(
    event: Event, *, now: datetime | None = None
) -> tuple[Problem, list[MutualPair], list[MeetingSlot]]:
    """The solver's input for `event` now: its mutual pairs, free slots, busy times, caps."""
    now = now or timezone.now()
    pairs = mutual_pairs(event, now=now)
    slots = list(MeetingSlot.objects.filter(event=event, starts_at__gt=now).order_by("starts_at"))
    participants: dict[int, Any] = {}
    for pair in pairs:
        participants[pair.first.requester_id] = pair.first.requester
        participants[pair.first.recipient_id] = pair.first.recipient
    user_of = {pk: p.user_id for pk, p in participants.items()}
    mutual_request_ids = {r.pk for pair in pairs for r in (pair.first, pair.second)}

    busy: dict[Key, set[Key]] = defaultdict(set)
    # Per person, the slots held by each of their mutual requests: free for their other
    # pairs only if that request's pair is placed too (which releases them).
    held: dict[tuple[int, int], set[Key]] = defaultdict(set)
    pair_of = {r.pk: pair.first.pk for pair in pairs for r in (pair.first, pair.second)}
    if slots and participants:
        bookings = Booking.objects.filter(
            user_id__in=set(user_of.values()),
            starts_at__lt=slots[-1].ends_at,
            ends_at__gt=slots[0].starts_at,
        ).values_list("user_id", "kind", "request_id", "starts_at", "ends_at")
        for user_id, kind, request_id, starts_at, ends_at in bookings:
            hit = {s.pk for s in slots if starts_at < s.ends_at and ends_at > s.starts_at}
            if kind == BookingKind.HOLD and request_id in mutual_request_ids:
                held[user_id, request_id] |= hit
            else:
                busy[user_id] |= hit

    problem_pairs = []
    for pair in pairs:
        own = {pair.first.pk, pair.second.pk}
        people = (user_of[pair.first.requester_id], user_of[pair.first.recipient_id])
        waits: dict[Key, set[Key]] = defaultdict(set)
        for (user_id, rid), hit in held.items():
            if user_id in people and rid not in own:
                for slot_id in hit:
                    waits[slot_id].add(pair_of[rid])
        problem_pairs.append(
            Pair(
                key=pair.first.pk,
                a=pair.first.requester_id,
                b=pair.first.recipient_id,
                held={slot_id: frozenset(keys) for slot_id, keys in waits.items()},
            )
        )
    by_participant = {pk: busy.get(user_id, set()) for pk, user_id in user_of.items()}
    problem = Problem(
        pairs=problem_pairs,
        slots=[s.pk for s in slots],
        busy=by_participant,
        caps=_caps_left(event, participants),
    )
    return problem, pairs, slots


def schedule_draft_run(
    *, event: Event, user: Any, time_limit: float | None = None
) -> ScheduleDraft:
    """Run the auto-scheduler on the event's mutual requests now and keep its placements as
    a draft, with its figures: pairs considered and placed, the solver's status, its bound,
    seconds. Solves outside any transaction (up to `time_limit` seconds), then writes."""
    problem, _pairs, _slots = scheduling_problem(event)
    solution = schedule_solve(problem, time_limit=time_limit or _time_limit())
    with transaction.atomic():
        draft = ScheduleDraft.objects.create(
            event=event,
            created_by=user,
            figures={
                "pairs_considered": solution.considered,
                "pairs_placed": solution.placed,
                "slots": len(problem.slots),
                "solver_status": solution.status,
                "bound": solution.bound,
                "seconds": round(solution.seconds, 3),
            },
        )
        DraftPlacement.objects.bulk_create(
            DraftPlacement(draft=draft, request_id=request_id, slot_id=slot_id)
            for request_id, slot_id in solution.placements.items()
        )
    return draft


# Why a placement was skipped when the draft was applied: the code is stored in the draft's
# figures, the sentence read in the reader's language (skip_reason).
SKIP_REASONS = {
    "answered": gettext_lazy("The request is no longer waiting for an answer."),
    "not_mutual": gettext_lazy("The requests are no longer mutual."),
    "started": gettext_lazy("The slot has started."),
    "withdrawn": gettext_lazy("One of the two people has withdrawn."),
    "no_meeting_left": gettext_lazy("One of the two people has no meeting left."),
    "slot_taken": SlotTakenError.message,
    "changed": gettext_lazy("The requests changed while the draft was applied."),
}


def _skip(code: str) -> ValidationError:
    return ValidationError(SKIP_REASONS[code], code=code)


def skip_reason(skipped: dict[str, Any]) -> str:
    """The sentence of one entry of a draft's `figures["skipped"]`, in the active language."""
    return str(SKIP_REASONS.get(skipped.get("code", ""), skipped.get("reason", "")))


@dataclass
class Skipped:
    placement: DraftPlacement
    code: str  # a key of SKIP_REASONS


@dataclass
class ApplyReport:
    draft: ScheduleDraft
    meetings: list[Meeting] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _draft_open(draft: ScheduleDraft) -> ScheduleDraft:
    locked = ScheduleDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.status != ScheduleDraftStatus.DRAFT:
        raise ValidationError(_("This draft was already applied or discarded."))
    return locked


def _cap_left(request: MeetingRequest, participant: Any, cap: int) -> bool:
    own = participant.meeting_cap if participant.meeting_cap is not None else cap
    confirmed = Meeting.objects.filter(
        Q(requester=participant) | Q(recipient=participant),
        event_id=request.event_id,
        status=MeetingStatus.CONFIRMED,
    ).count()
    return confirmed < min(cap, own)


def _place(placement: DraftPlacement, *, cap: int, now: datetime) -> Meeting:
    """One placement, in the caller's transaction: ValidationError (nothing written) when it
    no longer fits."""
    # Lock the requests only (of=self): locking the joined participants and users too
    # deadlocked with people writing requests to them at the same time (the FK's KEY SHARE).
    request = (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("requester__user", "recipient__user")
        .get(pk=placement.request_id)
    )
    other = (
        MeetingRequest.objects.select_for_update()
        .filter(
            event_id=request.event_id,
            requester_id=request.recipient_id,
            recipient_id=request.requester_id,
            status=RequestStatus.PENDING,
        )
        .first()
    )
    if request.status != RequestStatus.PENDING or request.expires_at <= now:
        raise _skip("answered")
    if other is None or other.expires_at <= now:
        raise _skip("not_mutual")
    if placement.slot.starts_at <= now:
        raise _skip("started")
    for participant in (request.requester, request.recipient):
        if participant.withdrawn_at is not None:
            raise _skip("withdrawn")
        if not _cap_left(request, participant, cap):
            raise _skip("no_meeting_left")
    holds_release(request=other)
    try:
        meeting = meeting_book(request=request, slot=placement.slot)
    except SlotTakenError as error:
        raise _skip("slot_taken") from error
    for accepted in (request, other):
        accepted.status = RequestStatus.ACCEPTED
        accepted.answered_at = now
        accepted.save(update_fields=["status", "answered_at"])
    return meeting


def _tell(meeting: Meeting, request: MeetingRequest, actor: Any) -> None:
    event = request.event
    for who, other in (
        (request.requester, request.recipient),
        (request.recipient, request.requester),
    ):
        notify(
            recipients=[who.user],
            kind="meeting.scheduled",
            verb=Sentence(
                gettext_noop("The organisers of %(event)s scheduled your meeting with %(who)s"),
                {"event": event.title, "who": other.user.display_name},
            ),
            actor=actor,
            target=meeting,
            url=event.get_absolute_url(),
            level="success",
        )


def _reverse_ids(placements: list[DraftPlacement]) -> dict[int, int]:
    """placement's request id → the pending request of the other direction."""
    wanted = {(p.request.recipient_id, p.request.requester_id): p.request_id for p in placements}
    found = MeetingRequest.objects.filter(
        requester_id__in={k[0] for k in wanted},
        recipient_id__in={k[1] for k in wanted},
        status=RequestStatus.PENDING,
    ).values_list("pk", "requester_id", "recipient_id")
    return {
        wanted[requester, recipient]: pk
        for pk, requester, recipient in found
        if (requester, recipient) in wanted
    }


def _apply_order(placements: list[DraftPlacement]) -> list[list[DraftPlacement]]:
    """The placements in groups to apply in this order: a placement whose time one of its
    people holds for another placement's request comes after that placement (applying it
    releases the hold). Placements that wait for each other in a cycle (two pairs swapping
    times) form one group, applied in one transaction."""
    reverse = _reverse_ids(placements)
    owner: dict[int, DraftPlacement] = {}
    for placement in placements:
        owner[placement.request_id] = placement
        if placement.request_id in reverse:
            owner[reverse[placement.request_id]] = placement
    holds = Booking.objects.filter(kind=BookingKind.HOLD, request_id__in=owner).values_list(
        "user_id", "request_id", "starts_at", "ends_at"
    )
    by_user: dict[int, list[tuple[int, datetime, datetime]]] = defaultdict(list)
    for user_id, request_id, starts_at, ends_at in holds:
        by_user[user_id].append((request_id, starts_at, ends_at))
    waits: dict[int, set[int]] = {}
    for placement in placements:
        people = (placement.request.requester.user_id, placement.request.recipient.user_id)
        slot = placement.slot
        waits[placement.pk] = {
            owner[request_id].pk
            for user_id in people
            for request_id, starts_at, ends_at in by_user.get(user_id, [])
            if starts_at < slot.ends_at
            and ends_at > slot.starts_at
            and owner[request_id].pk != placement.pk
        }
    # Tarjan's strongly connected components: each is emitted after those it waits for.
    by_pk = {p.pk: p for p in placements}
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    groups: list[list[DraftPlacement]] = []

    def visit(node: int) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for after in sorted(waits[node]):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in on_stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(by_pk[member])
                if member == node:
                    break
            groups.append(sorted(group, key=lambda p: (p.slot.starts_at, p.pk)))

    for placement in placements:  # in slot order
        if placement.pk not in index:
            visit(placement.pk)
    return groups


def schedule_draft_apply(*, draft: ScheduleDraft, user: Any) -> ApplyReport:
    """Turn each placement of the draft into a meeting, one transaction per placement: both
    requests of the pair accepted, their holds released, the meeting booked
    (matchmaking.services.bookings.meeting_book) and both people notified
    (`meeting.scheduled`). A placement whose time one of its people holds for another
    placement's request is applied after it (which releases the hold); placements waiting
    for each other in a cycle are applied together, in one transaction, all or none. A
    placement that no longer fits (a request answered meanwhile, the time taken, a cap
    reached, the slot started) is skipped and reported; the rest are applied. The draft is
    marked applied first, under its row lock, so it is applied once. ValidationError when
    it is not a draft any more."""
    with transaction.atomic():
        draft = _draft_open(draft)
        draft.status = ScheduleDraftStatus.APPLIED
        draft.applied_at = timezone.now()
        draft.save(update_fields=["status", "applied_at"])
    event = draft.event
    cap = setup_for(event).meeting_cap
    report = ApplyReport(draft=draft)
    placements = list(
        draft.placements.select_related(
            "slot", "request__requester", "request__recipient"
        ).order_by("slot__starts_at", "id")
    )
    for group in _apply_order(placements):
        try:
            with transaction.atomic():
                # The lock order of every request service (services/requests.py): the
                # people first, ascending, then their requests. Caps are counted under it.
                lock_participants(
                    *(p.request.requester for p in group), *(p.request.recipient for p in group)
                )
                if len(group) > 1:
                    # A cycle: free every hold of the group's requests first.
                    reverse = _reverse_ids(group)
                    Booking.objects.filter(
                        kind=BookingKind.HOLD,
                        request_id__in=[p.request_id for p in group] + list(reverse.values()),
                    ).delete()
                booked = []
                for placement in group:
                    meeting = _place(placement, cap=cap, now=timezone.now())
                    _tell(meeting, meeting.request, user)
                    booked.append(meeting)
        except ValidationError as error:
            code = error.code if error.code in SKIP_REASONS else "changed"
            report.skipped.extend(Skipped(placement=p, code=code) for p in group)
            continue
        except DatabaseError:
            # A deadlock or a serialisation failure with someone answering a request of the
            # group at that moment: skipped like a placement that no longer fits.
            logger.warning("Placement group of draft %s not applied", draft.pk, exc_info=True)
            report.skipped.extend(Skipped(placement=p, code="changed") for p in group)
            continue
        report.meetings.extend(booked)
    draft.figures = {
        **draft.figures,
        "applied": len(report.meetings),
        "skipped": [
            {"request": s.placement.request_id, "slot": s.placement.slot_id, "code": s.code}
            for s in report.skipped
        ],
    }
    draft.save(update_fields=["figures"])
    return report


def schedule_draft_discard(*, draft: ScheduleDraft) -> ScheduleDraft:
    """Set the draft aside unapplied. ValidationError when it is not a draft any more."""
    with transaction.atomic():
        draft = _draft_open(draft)
        draft.status = ScheduleDraftStatus.DISCARDED
        draft.save(update_fields=["status"])
    return draft
