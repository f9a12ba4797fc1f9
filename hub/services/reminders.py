"""Reminders to the followers of a call: a week and a day before its deadline.

The worker calls `call_reminders_drain` on each pass (registered with
`notifications.outbox.register_drain` in hub/apps.py; without Redis the server process runs
those passes itself). The rule:

- The week reminder is due from deadline - 7 days until deadline - 1 day, the day reminder
  from deadline - 1 day until the deadline. One whose time passed while no worker ran is sent
  late while it is still due; never after the deadline, and nobody gets the week reminder
  once the day reminder is due.
- A published call only; a follower who unfollowed gets nothing.
- Each follower gets each reminder once per deadline: the `CallReminderSent` row is written
  in the transaction that notifies them (a unique constraint on follow, reminder, deadline),
  so a worker killed mid-pass leaves both or neither, and the next pass sends what is
  missing. A call whose deadline moves is reminded again for the new one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_noop

from community.models import ModerationStatus
from hub.models import CallFollow, CallReminderKind, CallReminderSent
from notifications.sentences import Sentence
from notifications.services import notify

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallReminder:
    key: str  # CallReminderKind
    before: timedelta  # due this long before the deadline
    until: timedelta  # and still due until this long before it
    msgid: str


CALL_REMINDERS = (
    CallReminder(
        key=CallReminderKind.WEEK,
        before=timedelta(days=7),
        until=timedelta(days=1),
        msgid=gettext_noop("Reminder: the call “%(title)s” closes within a week"),
    ),
    CallReminder(
        key=CallReminderKind.DAY,
        before=timedelta(days=1),
        until=timedelta(0),
        msgid=gettext_noop("Reminder: the call “%(title)s” closes within 24 hours"),
    ),
)


def call_reminders_due(reminder: CallReminder, now: datetime, limit: int) -> list[CallFollow]:
    """Up to `limit` follows for which `reminder` is due at `now` and not yet sent."""
    sent = CallReminderSent.objects.filter(
        follow=OuterRef("pk"), reminder=reminder.key, deadline=OuterRef("call__deadline")
    )
    return list(
        CallFollow.objects.filter(
            call__status=ModerationStatus.PUBLISHED,
            call__deadline__gt=now + reminder.until,
            call__deadline__lte=now + reminder.before,
        )
        .exclude(Exists(sent))
        .select_related("call", "user")
        .order_by("call__deadline", "pk")[:limit]
    )


def call_reminder_send(*, follow: CallFollow, reminder: CallReminder) -> bool:
    """Remind one follower, in one transaction; False when another pass already did.

    Side effects, all or nothing: the `call.deadline` notification (in-app, and push and
    email as the person chose) and the `CallReminderSent` row.
    """
    call = follow.call
    try:
        with transaction.atomic():
            CallReminderSent.objects.create(
                follow=follow, reminder=reminder.key, deadline=call.deadline
            )
            notify(
                recipients=[follow.user],
                kind="call.deadline",
                verb=Sentence(reminder.msgid, {"title": call.title}),
                target=call,
                url=call.get_absolute_url(),
                data={"call_id": call.pk, "deadline": call.deadline.isoformat()},
            )
    except IntegrityError:
        return False  # another worker sent it first; this transaction rolled back whole
    return True


def call_reminders_send_due(*, now: datetime | None = None, limit: int = 50) -> int:
    """One pass: send up to `limit` reminders per kind that are due at `now` (default: the
    clock); return how many were sent. A failing reminder is logged and retried on the
    next pass; a database error is raised (the worker reconnects)."""
    now = now or timezone.now()
    total = 0
    for reminder in CALL_REMINDERS:
        for follow in call_reminders_due(reminder, now, limit):
            try:
                total += call_reminder_send(follow=follow, reminder=reminder)
            except DatabaseError:
                raise
            except Exception:
                logger.exception(
                    "call reminder %s of follow %s failed; retrying on the next pass",
                    reminder.key,
                    follow.pk,
                )
    return total


def call_reminders_drain(limit: int) -> int:
    """The worker's pass (notifications.outbox.register_drain)."""
    return call_reminders_send_due(limit=limit)
