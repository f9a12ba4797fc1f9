"""The programme's sessions in each person's time: `Booking` rows of kind "session".

For every event listed in a `MatchmakingSetup.sessions`, a person registered for it (status
`registered`) has one session booking per matchmaking event listing it, with the session's
times; any other status has none. Kept in step by receivers connected in
matchmaking/apps.py:

- `registration_saved` (post_save of webinars.Registration): inserts or deletes the booking.
- `session_event_saved` (post_save of webinars.Event): moves the bookings with the event's
  new times.
- `sessions_changed` (m2m_changed of MatchmakingSetup.sessions): books or frees the
  registered people of a session added to or removed from a programme.

A person who has a meeting or a held slot at that time makes the write fail with a
ValidationError that says so (the database's overlap guard, caught in a savepoint): the
registration, the new times or the programme change is refused, with a message, in the
caller's transaction — webinars' services and pages already answer a ValidationError as a
refusal, not a 500. One known consequence: a waiting-list promotion that would overlap a
meeting of the promoted person refuses the cancellation that freed the place.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from matchmaking.models import Booking, BookingKind, MatchmakingSetup
from matchmaking.services.bookings import SlotTakenError
from matchmaking.services.bookings import _insert as bookings_insert
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


def _matchmaking_event_ids(session_id: int) -> list[int]:
    return list(
        MatchmakingSetup.objects.filter(sessions__id=session_id).values_list("event_id", flat=True)
    )


def session_bookings_sync(*, session: Event, user_id: int, registered: bool) -> None:
    """Book (`registered`) or free `user_id`'s time for `session` in every matchmaking event
    whose programme lists it. ValidationError when the person has a meeting then."""
    events = _matchmaking_event_ids(session.pk)
    if not events:
        return
    existing = Booking.objects.filter(user_id=user_id, session=session, kind=BookingKind.SESSION)
    if not registered:
        existing.delete()
        return
    have = set(existing.values_list("event_id", flat=True))
    rows = [
        Booking(
            user_id=user_id,
            event_id=event_id,
            kind=BookingKind.SESSION,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            session=session,
        )
        for event_id in events
        if event_id not in have
    ]
    if not rows:
        return
    try:
        bookings_insert(rows)
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
    """Move the session bookings of `instance` to its (new) times."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    moved = Booking.objects.filter(session=instance, kind=BookingKind.SESSION).exclude(
        starts_at=instance.starts_at, ends_at=instance.ends_at
    )
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
        Booking.objects.filter(event_id=instance.event_id, kind=BookingKind.SESSION).delete()
        return
    for session in Event.objects.filter(pk__in=pk_set or ()):
        if action == "post_remove":
            Booking.objects.filter(
                event_id=instance.event_id, session=session, kind=BookingKind.SESSION
            ).delete()
            continue
        registered = Registration.objects.filter(
            event=session, status=RegistrationStatus.REGISTERED
        ).values_list("user_id", flat=True)
        for user_id in registered:
            if Booking.objects.filter(
                user_id=user_id, event_id=instance.event_id, session=session
            ).exists():
                continue
            try:
                bookings_insert(
                    [
                        Booking(
                            user_id=user_id,
                            event_id=instance.event_id,
                            kind=BookingKind.SESSION,
                            starts_at=session.starts_at,
                            ends_at=session.ends_at,
                            session=session,
                        )
                    ]
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
