"""Reminders 15 minutes before each meeting, through notifications.

The worker calls `meeting_reminders_drain` on each pass (registered with
`notifications.outbox.register_drain` in matchmaking/apps.py), as webinars' event reminders:

- A meeting's reminder is due from REMINDER_BEFORE before its slot until the slot starts;
  one whose time passed while no worker ran is sent late, never once the meeting started.
- Who: its two people, while the meeting is confirmed and they have not withdrawn.
- Each person is reminded once per meeting and per start: the `MeetingReminderSent` row is
  written in the transaction that notifies them, so a worker killed mid-pass leaves either
  both or neither, and the next pass sends what is missing. A meeting moved to another slot
  is reminded again for the new start.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from matchmaking.models import Meeting, MeetingReminderSent, MeetingStatus
from notifications.sentences import Sentence
from notifications.services import notify

logger = logging.getLogger(__name__)

REMINDER_BEFORE = timedelta(minutes=15)
KIND = "meeting.starting"


def meeting_reminders_due(now: datetime) -> list[Meeting]:
    """Confirmed meetings starting within REMINDER_BEFORE whose two people were not both
    reminded for that start."""
    sent = MeetingReminderSent.objects.filter(
        meeting=OuterRef("pk"), starts_at=OuterRef("slot__starts_at")
    )
    return list(
        Meeting.objects.filter(
            status=MeetingStatus.CONFIRMED,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + REMINDER_BEFORE,
        )
        .filter(
            ~Exists(sent.filter(user=OuterRef("requester__user")))
            | ~Exists(sent.filter(user=OuterRef("recipient__user")))
        )
        .select_related("slot")
        .order_by("slot__starts_at", "pk")
    )


def meeting_reminder_send(*, meeting_id: int, starts_at: datetime) -> int:
    """Remind the meeting's people not yet reminded for `starts_at`, in one transaction;
    return how many. The meeting's row is locked (skipped if another worker holds it); a
    meeting that changed meanwhile (cancelled, moved) is left for the next pass.
    Side effects, all or nothing: `notify` (in-app, push as each person chose for the kind)
    and a `MeetingReminderSent` per person."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(skip_locked=True)
            .filter(pk=meeting_id, status=MeetingStatus.CONFIRMED, slot__starts_at=starts_at)
            .first()
        )
        if meeting is None:
            return 0
        meeting = Meeting.objects.select_related("event", "requester__user", "recipient__user").get(
            pk=meeting.pk
        )
        sent = set(
            MeetingReminderSent.objects.filter(meeting=meeting, starts_at=starts_at).values_list(
                "user_id", flat=True
            )
        )
        count = 0
        url = reverse("matchmaking-meeting", kwargs={"pk": meeting.pk})
        for me, other in (
            (meeting.requester, meeting.recipient),
            (meeting.recipient, meeting.requester),
        ):
            if me.user_id in sent or me.withdrawn_at is not None:
                continue
            notify(
                recipients=[me.user],
                kind=KIND,
                verb=Sentence(
                    gettext_noop("Your meeting with %(name)s starts in 15 minutes or less"),
                    {"name": other.user.display_name},
                ),
                target=meeting.event,
                url=url,
                data={"meeting_id": meeting.pk, "starts_at": starts_at.isoformat()},
            )
            MeetingReminderSent.objects.create(
                meeting=meeting, user_id=me.user_id, starts_at=starts_at
            )
            count += 1
    return count


def meeting_reminders_send_due(*, now: datetime | None = None, limit: int = 50) -> int:
    """One pass: remind what is due at `now` (default: the clock), at most `limit` meetings;
    return how many people were reminded. A meeting whose reminder fails is logged and
    retried on the next pass; a database error is raised (the worker reconnects)."""
    now = now or timezone.now()
    total = 0
    for meeting in meeting_reminders_due(now)[:limit]:
        try:
            total += meeting_reminder_send(meeting_id=meeting.pk, starts_at=meeting.slot.starts_at)
        except IntegrityError:
            continue  # another worker reminded them first (SQLite has no row locks)
        except DatabaseError:
            raise
        except Exception:
            logger.exception("reminder of meeting %s failed; retrying on the next pass", meeting.pk)
    return total


def meeting_reminders_drain(limit: int) -> int:
    """The worker's pass (notifications.outbox.register_drain)."""
    return meeting_reminders_send_due(limit=limit)
