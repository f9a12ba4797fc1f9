"""Writes for meeting requests: ask, accept a slot, decline, propose another slot, cancel,
say no thanks, and the worker's expiry of unanswered requests.

The rules (docs/api.md, "Matchmaking"):

- Both people are participants of the event, not withdrawn, not the same person; neither
  said no thanks to the other; the event's `MatchmakingSetup.requests_open`. One pending
  request per direction: two people who asked each other are a mutual pair, which the
  organisers' auto-scheduler places (services/scheduling.py).
- A request proposes 1 to 3 slots of the event's schedule, none in the past. Each proposed
  slot is held for both people (`bookings.slot_hold`) until the request is answered or
  expires: the database refuses a slot either person already gave away (SlotTakenError,
  answered as a ValidationError with a clear message).
- A request expires `setup.request_ttl_hours` after it was sent (or after the last slot was
  proposed), never after the start of the last proposed slot (no slot can be accepted later).
- The side that did not propose a slot accepts it; the recipient declines or proposes
  another slot; the requester cancels. Accepting books the meeting (`bookings.meeting_book`)
  and checks, under lock, each person's cap of confirmed meetings.

Locks, always in this order: the two participants' rows (ascending id), then the request's
row. Every service here and in meetings.py follows it, so two answers to requests that share
a person queue on that person's row and the cap is counted under lock.

Each step notifies the other person (notifications.services.notify, kinds `meeting.*`
registered in matchmaking/apps.py) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from matchmaking.models import (
    MatchmakingSetup,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    MeetingStatus,
    NoThanks,
    Participant,
    RequestStatus,
)
from matchmaking.services.bookings import (
    SlotTakenError,
    holds_release,
    meeting_book,
    slot_hold,
)
from notifications.sentences import Sentence
from notifications.services import notify
from webinars.models import Event

MAX_SLOTS = 3  # proposed by the requester; the recipient may propose as many more
EXPIRY_BATCH = 50


def lock_participants(*participants: Participant) -> dict[int, Participant]:
    """Lock the participants' rows in ascending id order (the first lock of every service
    here); answer them fresh, by id, with their users."""
    ids = sorted({p.pk for p in participants})
    rows = (
        # `of=("self",)`: lock the participants, not the users the join reads along.
        Participant.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def _lock_request(request: MeetingRequest) -> tuple[MeetingRequest, Participant, Participant]:
    people = lock_participants(
        Participant(pk=request.requester_id), Participant(pk=request.recipient_id)
    )
    locked = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    locked.requester = people[locked.requester_id]
    locked.recipient = people[locked.recipient_id]
    return locked, locked.requester, locked.recipient


def request_url(request: MeetingRequest) -> str:
    return reverse("matchmaking-request", kwargs={"pk": request.pk})


def request_tell(
    request: MeetingRequest,
    *,
    to: Participant,
    by: Participant | None,
    kind: str,
    msgid: str,
    level: str = "info",
) -> None:
    other = by or (request.requester if to.pk == request.recipient_id else request.recipient)
    notify(
        recipients=[to.user],
        kind=kind,
        verb=Sentence(msgid, {"name": other.user.display_name, "event": request.event.title}),
        actor=by.user if by is not None else None,
        target=request,
        url=request_url(request),
        level=level,
        data={"request_id": request.pk, "event_id": request.event_id},
    )


def _setup(event_id: int) -> MatchmakingSetup:
    """The event's rules; the defaults (unsaved) until the organisers saved them."""
    setup = MatchmakingSetup.objects.filter(event_id=event_id).first()
    return setup if setup is not None else MatchmakingSetup(event_id=event_id)


def _check_open(setup: MatchmakingSetup) -> None:
    if Event.objects.filter(pk=setup.event_id, cancelled_at__isnull=False).exists():
        raise ValidationError(_("This event is cancelled."))
    if not setup.requests_open:
        raise ValidationError(_("The organisers have closed meeting requests for this event."))


def _check_pair(a: Participant, b: Participant) -> None:
    if a.pk == b.pk or a.user_id == b.user_id:
        raise ValidationError(_("You cannot ask yourself for a meeting."))
    if a.event_id != b.event_id:
        raise ValidationError(_("You both need to take part in the same event."))
    if a.withdrawn_at is not None or b.withdrawn_at is not None:
        raise ValidationError(_("This person no longer takes part in the event."))
    if NoThanks.objects.filter(Q(participant=a, other=b) | Q(participant=b, other=a)).exists():
        raise ValidationError(_("No meetings between you and this person."))


def _check_future(slot: MeetingSlot, now: datetime) -> None:
    if slot.starts_at <= now:
        raise ValidationError(_("This slot has already started."))


def _expiry(request: MeetingRequest, setup: MatchmakingSetup, now: datetime) -> datetime:
    last = max(s.slot.starts_at for s in request.slots.select_related("slot"))
    return min(now + timedelta(hours=setup.request_ttl_hours), last)


def _hold(request: MeetingRequest, slot: MeetingSlot, by: Participant) -> None:
    try:
        slot_hold(request=request, slot=slot, proposed_by=by)
    except SlotTakenError as error:
        raise ValidationError(str(SlotTakenError.message), code="slot_taken") from error


@transaction.atomic
def request_create(
    *,
    requester: Participant,
    recipient: Participant,
    slots: Sequence[MeetingSlot],
    message: str = "",
) -> MeetingRequest:
    """`requester` asks `recipient` for a meeting at one of 1 to 3 `slots` of the event.

    Preconditions: the caller resolved `requester` as the acting person's participation.
    Refused (ValidationError) by the rules of the module's docstring, or when a request
    between them in this direction is already pending. Holds every slot for both people;
    notifies the recipient (`meeting.requested`).
    """
    people = lock_participants(requester, recipient)
    requester, recipient = people[requester.pk], people[recipient.pk]
    _check_pair(requester, recipient)
    setup = _setup(requester.event_id)
    _check_open(setup)
    chosen = {slot.pk: slot for slot in slots}
    if not 1 <= len(chosen) <= MAX_SLOTS:
        raise ValidationError(_("Propose one to three slots."))
    now = timezone.now()
    for slot in chosen.values():
        if slot.event_id != requester.event_id:
            raise ValidationError(_("This slot is not in the event's schedule."))
        _check_future(slot, now)
    # One pending request per direction. Asking someone who has asked you makes the pair
    # mutual: either of you may accept the other's request, or the organisers'
    # auto-scheduler places it (services/scheduling.py).
    if MeetingRequest.objects.filter(
        requester=requester, recipient=recipient, status=RequestStatus.PENDING
    ).exists():
        raise ValidationError(_("You have already asked this person; wait for their answer."))
    request = MeetingRequest.objects.create(
        event_id=requester.event_id,
        requester=requester,
        recipient=recipient,
        message=message.strip(),
        expires_at=now,  # set below, once the slots are known
    )
    for slot in sorted(chosen.values(), key=lambda s: s.starts_at):
        _hold(request, slot, requester)
    request.expires_at = _expiry(request, setup, now)
    request.save(update_fields=["expires_at"])
    request_tell(
        request,
        to=recipient,
        by=requester,
        kind="meeting.requested",
        msgid=gettext_noop("%(name)s asks you for a meeting at %(event)s"),
    )
    return request


def _pending(request: MeetingRequest, now: datetime) -> None:
    if request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."))
    if request.expires_at <= now:
        raise ValidationError(_("This request has expired."))


def _cap(participant: Participant, setup: MatchmakingSetup) -> int:
    if participant.meeting_cap is not None:
        return min(participant.meeting_cap, setup.meeting_cap)
    return setup.meeting_cap


def confirmed_count(participant: Participant) -> int:
    return Meeting.objects.filter(
        Q(requester=participant) | Q(recipient=participant), status=MeetingStatus.CONFIRMED
    ).count()


@transaction.atomic
def request_accept(*, request: MeetingRequest, slot: MeetingSlot, by: Participant) -> Meeting:
    """`by` accepts `slot`, one of the request's proposed slots the other side proposed.

    Refused: PermissionDenied when `by` is not the side that may accept that slot;
    ValidationError when the request is no longer pending, the slot is not proposed or has
    started, requests are closed, either person reached their cap of confirmed meetings
    (counted under the participants' locks), or either has that time already. Books the
    meeting, frees the request's other holds, and notifies the other person
    (`meeting.accepted`).
    """
    request, requester, recipient = _lock_request(request)
    if by.pk not in (requester.pk, recipient.pk):
        raise PermissionDenied(_("Only the two people of a request may answer it."))
    now = timezone.now()
    _pending(request, now)
    proposed = request.slots.select_related("slot").filter(slot_id=slot.pk).first()
    if proposed is None:
        raise ValidationError(_("This slot is not one of the request's proposed slots."))
    if proposed.proposed_by_id == by.pk:
        raise PermissionDenied(_("You proposed this slot: the other person accepts it."))
    slot = proposed.slot
    _check_future(slot, now)
    setup = _setup(request.event_id)
    _check_open(setup)
    if requester.withdrawn_at is not None or recipient.withdrawn_at is not None:
        raise ValidationError(_("This person no longer takes part in the event."))
    for person in (requester, recipient):
        if confirmed_count(person) >= _cap(person, setup):
            if person.pk == by.pk:
                raise ValidationError(_("You have reached your number of meetings."))
            raise ValidationError(_("The other person has reached their number of meetings."))
    try:
        meeting = meeting_book(request=request, slot=slot)
    except SlotTakenError as error:
        raise ValidationError(str(SlotTakenError.message), code="slot_taken") from error
    request.status = RequestStatus.ACCEPTED
    request.answered_at = now
    request.save(update_fields=["status", "answered_at"])
    other = recipient if by.pk == requester.pk else requester
    request_tell(
        request,
        to=other,
        by=by,
        kind="meeting.accepted",
        msgid=gettext_noop("%(name)s accepted your meeting at %(event)s"),
        level="success",
    )
    return meeting


def request_close(request: MeetingRequest, status: str, now: datetime, reason: str = "") -> None:
    holds_release(request=request)
    request.status = status
    request.answered_at = now
    request.decline_reason = reason.strip()[:500]
    request.save(update_fields=["status", "answered_at", "decline_reason"])


@transaction.atomic
def request_decline(
    *, request: MeetingRequest, by: Participant, reason: str = ""
) -> MeetingRequest:
    """The recipient declines a pending request, with an optional reason: its held slots
    are freed; the requester is notified (`meeting.declined`). PermissionDenied for anyone
    else; ValidationError when it is no longer pending."""
    request, requester, recipient = _lock_request(request)
    if by.pk != recipient.pk:
        raise PermissionDenied(_("Only the person asked may decline a request."))
    if request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."))
    request_close(request, RequestStatus.DECLINED, timezone.now(), reason)
    request_tell(
        request,
        to=requester,
        by=recipient,
        kind="meeting.declined",
        msgid=gettext_noop("%(name)s declined your meeting request at %(event)s"),
        level="warning",
    )
    return request


@transaction.atomic
def request_propose(
    *, request: MeetingRequest, slot: MeetingSlot, by: Participant
) -> MeetingRequest:
    """The recipient proposes another slot of the event for a pending request: it is held
    for both, the request's clock starts again (never past its last slot), and the
    requester is notified (`meeting.proposed`) and may accept it. PermissionDenied for
    anyone else; ValidationError for a slot already proposed, of another event, started or
    taken by either person, or a request no longer pending."""
    request, requester, recipient = _lock_request(request)
    if by.pk != recipient.pk:
        raise PermissionDenied(_("Only the person asked may propose another slot."))
    now = timezone.now()
    _pending(request, now)
    setup = _setup(request.event_id)
    _check_open(setup)
    if slot.event_id != request.event_id:
        raise ValidationError(_("This slot is not in the event's schedule."))
    _check_future(slot, now)
    if request.slots.filter(slot_id=slot.pk).exists():
        raise ValidationError(_("This slot is already proposed."))
    if request.slots.filter(proposed_by=recipient).count() >= MAX_SLOTS:
        # The recipient cannot hold all of the requester's free time either.
        raise ValidationError(_("You have already proposed three other times."))
    _hold(request, slot, recipient)
    request.expires_at = _expiry(request, setup, now)
    request.save(update_fields=["expires_at"])
    request_tell(
        request,
        to=requester,
        by=recipient,
        kind="meeting.proposed",
        msgid=gettext_noop("%(name)s proposes another time for your meeting at %(event)s"),
    )
    return request


@transaction.atomic
def request_cancel(*, request: MeetingRequest, by: Participant) -> MeetingRequest:
    """The requester withdraws a pending request: its held slots are freed; the recipient
    is notified (`meeting.cancelled`). PermissionDenied for anyone else; ValidationError
    when it is no longer pending."""
    request, requester, recipient = _lock_request(request)
    if by.pk != requester.pk:
        raise PermissionDenied(_("Only the person who asked may cancel a request."))
    if request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request has already been answered."))
    request_close(request, RequestStatus.CANCELLED, timezone.now())
    request_tell(
        request,
        to=recipient,
        by=requester,
        kind="meeting.cancelled",
        msgid=gettext_noop("%(name)s withdrew their meeting request at %(event)s"),
    )
    return request


@transaction.atomic
def no_thanks(*, participant: Participant, other: Participant) -> NoThanks:
    """`participant` wants no meeting with `other`: no request between them from now on,
    either way. What is pending between them ends: requests `participant` received are
    declined (the other is told, `meeting.declined`, not why), the ones they sent are
    cancelled (`meeting.cancelled`). Confirmed meetings stay (cancel them one by one).
    Saying it twice changes nothing."""
    people = lock_participants(participant, other)
    participant, other = people[participant.pk], people[other.pk]
    if participant.pk == other.pk:
        raise ValidationError(_("You cannot say no thanks to yourself."))
    if participant.event_id != other.event_id:
        raise ValidationError(_("You both need to take part in the same event."))
    row, _created = NoThanks.objects.get_or_create(participant=participant, other=other)
    now = timezone.now()
    pending = (
        MeetingRequest.objects.select_for_update()
        .filter(
            Q(requester=participant, recipient=other) | Q(requester=other, recipient=participant),
            status=RequestStatus.PENDING,
        )
        .order_by("pk")
    )
    for request in pending:
        request.requester, request.recipient = (
            people[request.requester_id],
            people[request.recipient_id],
        )
        if request.recipient_id == participant.pk:
            request_close(request, RequestStatus.DECLINED, now)
            request_tell(
                request,
                to=other,
                by=participant,
                kind="meeting.declined",
                msgid=gettext_noop("%(name)s declined your meeting request at %(event)s"),
                level="warning",
            )
        else:
            request_close(request, RequestStatus.CANCELLED, now)
            request_tell(
                request,
                to=other,
                by=participant,
                kind="meeting.cancelled",
                msgid=gettext_noop("%(name)s withdrew their meeting request at %(event)s"),
            )
    return row


def request_expire(*, request_id: int, now: datetime) -> bool:
    """Expire one pending request past its `expires_at`, in its own transaction: its holds
    are freed and both people are notified (`meeting.expired`). False when another worker
    or an answer got there first."""
    with transaction.atomic():
        request = MeetingRequest.objects.filter(pk=request_id).first()
        if request is None:
            return False
        request, requester, recipient = _lock_request(request)
        if request.status != RequestStatus.PENDING or request.expires_at > now:
            return False
        request_close(request, RequestStatus.EXPIRED, now)
        for person in (requester, recipient):
            request_tell(
                request,
                to=person,
                by=None,
                kind="meeting.expired",
                msgid=gettext_noop(
                    "The meeting request between you and %(name)s at %(event)s expired "
                    "without an answer"
                ),
            )
    return True


def requests_expire(*, now: datetime | None = None, limit: int = EXPIRY_BATCH) -> int:
    """One pass: expire up to `limit` pending requests whose `expires_at` is past; return
    how many were expired (0 when none was due: one query over the expiry index)."""
    now = now or timezone.now()
    due = list(
        MeetingRequest.objects.filter(status=RequestStatus.PENDING, expires_at__lte=now)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if request_expire(request_id=pk, now=now))


def requests_expire_drain(limit: int) -> int:
    """The worker's pass (notifications.outbox.register_drain in matchmaking/apps.py)."""
    return requests_expire(limit=limit)
