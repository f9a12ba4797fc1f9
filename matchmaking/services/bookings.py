"""The time people give to matchmaking: holding a request's slots, booking a meeting,
freeing both. Every service that creates or ends a meeting or a request goes through here,
so the rows of `Booking` always match what is pending and confirmed.

The database refuses an overlap (matchmaking/models/meetings.py, migration 0002); the
functions here turn that refusal into `SlotTakenError`, inside a savepoint, so the caller's
transaction goes on and can answer with a clear message. Callers run them inside their own
`transaction.atomic()` and lock what they change first.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from matchmaking.models import (
    Booking,
    BookingKind,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Participant,
    ProposedSlot,
)


class SlotTakenError(Exception):
    """One of the two people already has something at that time (a meeting, a slot held
    by another request, a registered session)."""

    message = _("One of you already has a meeting, a held slot or a session at that time.")


def bookings_insert(rows: list[Booking]) -> None:
    """Write `rows` one by one in a savepoint; SlotTakenError (nothing written) when the
    overlap guard refuses one."""
    try:
        with transaction.atomic():
            for row in rows:  # one by one: SQLite's trigger sees the rows before it
                row.save(force_insert=True)
    except IntegrityError as error:
        if "mm_booking_no_overlap" in str(error):
            raise SlotTakenError from error
        raise


def slot_hold(
    *, request: MeetingRequest, slot: MeetingSlot, proposed_by: Participant
) -> ProposedSlot:
    """`proposed_by` (either side) proposes `slot` for `request`: it is held for both people
    until the request is answered or expires. SlotTakenError when either has that time already."""
    people = [request.requester.user_id, request.recipient.user_id]
    bookings_insert(
        [
            Booking(
                user_id=user_id,
                event_id=request.event_id,
                kind=BookingKind.HOLD,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                request=request,
            )
            for user_id in people
        ]
    )
    return ProposedSlot.objects.create(request=request, slot=slot, proposed_by=proposed_by)


def holds_release(*, request: MeetingRequest) -> None:
    """Free every slot `request` held (it was answered, cancelled or expired)."""
    Booking.objects.filter(request=request, kind=BookingKind.HOLD).delete()


def meeting_book(*, request: MeetingRequest, slot: MeetingSlot) -> Meeting:
    """Turn `request` into a meeting at `slot` for both people: its holds are released and
    the meeting booked, in one savepoint. SlotTakenError (and nothing changed) when either
    person has that time already. The caller sets the request's status.

    Precondition: the caller holds both people's row locks (services.requests.
    lock_participants, the first lock of every booking path); without them two bookings
    can deadlock on the foreign-key locks of the rows they insert."""
    try:
        with transaction.atomic():
            holds_release(request=request)
            meeting = Meeting.objects.create(
                event_id=request.event_id,
                request=request,
                slot=slot,
                requester_id=request.requester_id,
                recipient_id=request.recipient_id,
            )
            bookings_insert(
                [
                    Booking(
                        user_id=user_id,
                        event_id=request.event_id,
                        kind=BookingKind.MEETING,
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                        meeting=meeting,
                    )
                    for user_id in (request.requester.user_id, request.recipient.user_id)
                ]
            )
    except IntegrityError as error:
        # Another transaction made the meeting of this request first (OneToOne).
        raise SlotTakenError from error
    return meeting


def meeting_release(*, meeting: Meeting) -> None:
    """Free both people's time of a cancelled meeting."""
    Booking.objects.filter(meeting=meeting).delete()
