"""Reminders of events: 24 hours and 15 minutes before the start, through notifications.

The worker calls `reminders_drain` on each pass (registered with
`notifications.outbox.register_drain` in webinars/apps.py; with no Redis the server process
runs those passes itself, NOTIFICATION_OUTBOX_IN_SERVER). The rule:

- A reminder is due from its time (start - 24 h, start - 15 min) until the next one is due:
  the day-before reminder until start - 15 min, the starting one until the start. One whose
  time passed while no worker ran is sent late, as long as it is still due; never once the
  event has started, and a person never gets the day-before reminder after the starting one.
- Who: the people registered (status `registered`), the hosts and speakers (EventPerson), and
  speakers linked to an account; not pending or waitlisted people, nor those a host removed
  from the room. A published event only; a cancelled one sends none.
- Each person is reminded once per reminder and per start: the `ReminderSent` row is written
  in the transaction that notifies them, so a worker killed mid-pass leaves either both or
  neither, and the next pass sends what is missing. An event moved to another time is
  reminded again for the new start.
- When everybody due was reminded, an `EventReminder` row says so; people who register
  afterwards are not sent that reminder (they get the next one). Finding what is due is then
  one query per reminder over the index on `Event.starts_at`, cheap when nothing is due.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from community.models import ModerationStatus
from notifications.sentences import Sentence
from notifications.services import notify
from webinars.models import (
    Event,
    EventPerson,
    EventReminder,
    Registration,
    RegistrationStatus,
    ReminderKind,
    ReminderSent,
    RoomFormat,
    RoomRemoval,
    Speaker,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    key: str  # ReminderKind
    before: timedelta  # due this long before the start
    until: timedelta  # and still due until this long before it
    kind: str  # the notification kind
    msgid: str


REMINDERS = (
    Reminder(
        key=ReminderKind.DAY_BEFORE,
        before=timedelta(hours=24),
        until=timedelta(minutes=15),
        kind="event.reminder",
        msgid=gettext_noop("Reminder: “%(title)s” starts within 24 hours"),
    ),
    Reminder(
        key=ReminderKind.STARTING,
        before=timedelta(minutes=15),
        until=timedelta(0),
        kind="event.starting",
        msgid=gettext_noop("“%(title)s” starts in 15 minutes or less"),
    ),
)


def reminders_due(reminder: Reminder, now: datetime) -> list[Event]:
    """Events for which `reminder` is due at `now` and not yet done for their start."""
    done = EventReminder.objects.filter(
        event=OuterRef("pk"), reminder=reminder.key, starts_at=OuterRef("starts_at")
    )
    return list(
        Event.objects.filter(
            starts_at__gt=now + reminder.until,
            starts_at__lte=now + reminder.before,
            status=ModerationStatus.PUBLISHED,
            cancelled_at__isnull=True,
        )
        .exclude(Exists(done))
        .order_by("starts_at", "pk")
    )


def reminder_recipient_ids(event: Event) -> set[int]:
    """Everyone a reminder of `event` is for (see the module's docstring)."""
    ids = set(
        Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).values_list(
            "user_id", flat=True
        )
    )
    ids |= set(EventPerson.objects.filter(event=event).values_list("user_id", flat=True))
    ids |= set(
        Speaker.objects.filter(event=event, user__isnull=False).values_list("user_id", flat=True)
    )
    ids -= set(RoomRemoval.objects.filter(event=event).values_list("user_id", flat=True))
    return ids


def _event_url(event: Event, reminder: Reminder) -> str:
    # The starting reminder leads to the room, which opens 15 minutes before the start.
    if (
        reminder.key == ReminderKind.STARTING
        and event.online
        and (event.room_format != RoomFormat.NONE)
    ):
        return reverse("webinars-room", kwargs={"slug": event.slug})
    return event.get_absolute_url()


def reminder_send(*, event_id: int, starts_at: datetime, reminder: Reminder, limit: int) -> int:
    """Remind up to `limit` people of one event, in one transaction; return how many.

    Preconditions: `reminder` was due for the event at `starts_at` (reminders_due).
    Side effects, all or nothing: the notifications (`notify`: in-app, and push and email as
    each person chose for the kind), a `ReminderSent` per person, and the `EventReminder`
    once nobody is left. The event's row is locked (skipped if another worker holds it), so
    two workers never remind the same people; an event that changed meanwhile (moved,
    cancelled) is left for the next pass to look at again.
    """
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(skip_locked=True)
            .filter(
                pk=event_id,
                starts_at=starts_at,
                status=ModerationStatus.PUBLISHED,
                cancelled_at__isnull=True,
            )
            .first()
        )
        if event is None:
            return 0
        sent = set(
            ReminderSent.objects.filter(
                event=event, reminder=reminder.key, starts_at=starts_at
            ).values_list("user_id", flat=True)
        )
        pending = sorted(reminder_recipient_ids(event) - sent)
        batch = pending[:limit]
        if batch:
            people = list(get_user_model().objects.filter(pk__in=batch))
            notify(
                recipients=people,
                kind=reminder.kind,
                verb=Sentence(reminder.msgid, {"title": event.title}),
                target=event,
                url=_event_url(event, reminder),
                data={"event_id": event.pk, "starts_at": starts_at.isoformat()},
            )
            ReminderSent.objects.bulk_create(
                [
                    ReminderSent(
                        event=event, user_id=user_id, reminder=reminder.key, starts_at=starts_at
                    )
                    for user_id in batch
                ]
            )
        if len(pending) <= limit:
            EventReminder.objects.create(event=event, reminder=reminder.key, starts_at=starts_at)
    return len(batch)


def reminders_send_due(*, now: datetime | None = None, limit: int = 50) -> int:
    """One pass: send what is due at `now` (default: the clock), up to `limit` people per
    event and reminder; return how many people were reminded (0 when nothing was due).

    An event whose reminder fails is logged and retried on the next pass; the others are
    still sent. A database error is raised (the worker reconnects).
    """
    now = now or timezone.now()
    total = 0
    for reminder in REMINDERS:
        for event in reminders_due(reminder, now):
            try:
                total += reminder_send(
                    event_id=event.pk, starts_at=event.starts_at, reminder=reminder, limit=limit
                )
            except IntegrityError:
                # Another worker reminded the same people first (SQLite has no row locks):
                # this transaction was rolled back whole; nothing to send again.
                continue
            except DatabaseError:
                raise
            except Exception:
                logger.exception(
                    "reminder %s of event %s failed; retrying on the next pass",
                    reminder.key,
                    event.pk,
                )
    return total


def reminders_drain(limit: int) -> int:
    """The worker's pass (notifications.outbox.register_drain)."""
    return reminders_send_due(limit=limit)
