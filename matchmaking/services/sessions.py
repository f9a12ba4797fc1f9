"""The programme's sessions in each person's time: `Booking` rows of kind "session".

A person registered (status `registered`) for an event that at least one `MatchmakingSetup`
lists in its `sessions`, and that is not cancelled, has exactly ONE session booking for it,
with the session's times, whatever the number of programmes listing it (the database's
overlap guard refuses the same session twice for one person). Its `event` is one of the
matchmaking events listing the session. Any other status, a cancelled session or a session
no programme lists has none. Kept in step by receivers connected in matchmaking/apps.py:

- `registration_saved` (post_save of webinars.Registration): inserts or deletes the booking.
- `session_event_saved` (post_save of webinars.Event): moves the bookings with the event's
  new times, or deletes them once the event is cancelled.
- `sessions_changed` (m2m_changed of MatchmakingSetup.sessions): books or frees the
  registered people of a session added to or removed from a programme; a session still
  listed by another programme keeps its bookings (re-pointed to that programme's event).

A person who has a meeting or a held slot at that time makes the write fail with a
ValidationError that says so (the database's overlap guard, caught in a savepoint): the
registration, the new times or the programme change is refused, with a message, in the
caller's transaction — webinars' services and pages already answer a ValidationError as a
refusal, not a 500. A waiting-list promotion that would overlap a meeting of the promoted
person is refused the same way, and webinars.services.registrations.waitlist_promote then
passes that person over (they keep their place in the line) and moves the next one up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from matchmaking.models import Booking, BookingKind, MatchmakingSetup
from matchmaking.services.bookings import SlotTakenError, bookings_insert
from webinars.models import Event, Registration, RegistrationStatus


def _refused(session: Event) -> ValidationError:
    return ValidationError(
        _(
            "You have a matchmaking meeting or a held meeting slot during “%(session)s”; "
            "cancel or move it first."
        )
        % {"session": session.title},
        code="slot_taken",
    )


def _matchmaking_event_ids(session_id: int, *, leaving: int | None = None) -> list[int]:
    """The matchmaking events whose programme lists the session, lowest id first; without
    `leaving` (a setup whose rows are about to go)."""
    setups = MatchmakingSetup.objects.filter(sessions__id=session_id)
    if leaving is not None:
        setups = setups.exclude(pk=leaving)
    return sorted(set(setups.values_list("event_id", flat=True)))


def _session_booking(*, user_id: int, event_id: int, session: Event) -> Booking:
    return Booking(
        user_id=user_id,
        event_id=event_id,
        kind=BookingKind.SESSION,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        session=session,
    )


def session_bookings_sync(*, session: Event, user_id: int, registered: bool) -> None:
    """Book (`registered`) or free `user_id`'s time for `session`: one booking whatever the
    number of programmes listing it; none for a cancelled session or one no programme lists.
    ValidationError when the person has a meeting then."""
    existing = Booking.objects.filter(user_id=user_id, session=session, kind=BookingKind.SESSION)
    events = _matchmaking_event_ids(session.pk)
    if not registered or not events or session.is_cancelled:
        existing.delete()
        return
    if existing.exists():
        return
    try:
        bookings_insert([_session_booking(user_id=user_id, event_id=events[0], session=session)])
    except SlotTakenError as error:
        raise _refused(session) from error


def registration_saved(sender: Any, instance: Registration, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    session_bookings_sync(
        session=instance.event,
        user_id=instance.user_id,
        registered=instance.status == RegistrationStatus.REGISTERED,
    )


def session_event_saved(sender: Any, instance: Event, **kwargs: Any) -> None:
    """Move the session bookings of `instance` to its (new) times; a cancelled session
    frees everyone's time."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    bookings = Booking.objects.filter(session=instance, kind=BookingKind.SESSION)
    if instance.is_cancelled:
        bookings.delete()
        return
    moved = bookings.exclude(starts_at=instance.starts_at, ends_at=instance.ends_at)
    try:
        with transaction.atomic():
            moved.update(starts_at=instance.starts_at, ends_at=instance.ends_at)
    except IntegrityError as error:
        if "mm_booking_no_overlap" in str(error):
            raise ValidationError(
                _(
                    "Someone registered for this session has a matchmaking meeting at the "
                    "new time; the session cannot move there."
                ),
                code="slot_taken",
            ) from error
        raise


def _sessions_leave(setup: MatchmakingSetup, session_ids: Iterable[int]) -> None:
    """`setup`'s programme no longer lists these sessions: their bookings go unless another
    programme still lists the session (then they point to that programme's event)."""
    for session_id in session_ids:
        bookings = Booking.objects.filter(session_id=session_id, kind=BookingKind.SESSION)
        others = _matchmaking_event_ids(session_id, leaving=setup.pk)
        if not others:
            bookings.delete()
        else:
            bookings.filter(event_id=setup.event_id).update(event_id=others[0])


def sessions_changed(
    sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """A session added to (or removed from) a programme books (or frees) its registered
    people's time."""
    if action not in ("post_add", "post_remove", "pre_clear") or not isinstance(
        instance, MatchmakingSetup
    ):
        return
    if action == "pre_clear":
        _sessions_leave(instance, list(instance.sessions.values_list("pk", flat=True)))
        return
    if action == "post_remove":
        _sessions_leave(instance, pk_set or ())
        return
    for session in Event.objects.filter(pk__in=pk_set or (), cancelled_at__isnull=True):
        registered = Registration.objects.filter(
            event=session, status=RegistrationStatus.REGISTERED
        ).values_list("user_id", flat=True)
        booked = set(
            Booking.objects.filter(session=session, kind=BookingKind.SESSION).values_list(
                "user_id", flat=True
            )
        )
        for user_id in registered:
            if user_id in booked:
                continue
            try:
                bookings_insert(
                    [_session_booking(user_id=user_id, event_id=instance.event_id, session=session)]
                )
            except SlotTakenError as error:
                raise ValidationError(
                    _(
                        "Someone registered for “%(session)s” has a matchmaking meeting at "
                        "that time; the session cannot join the programme."
                    )
                    % {"session": session.title},
                    code="slot_taken",
                ) from error
