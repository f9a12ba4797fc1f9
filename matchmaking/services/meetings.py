"""Writes for confirmed meetings: cancelling one.

Locks in the order of matchmaking/services/requests.py: the two participants' rows
(ascending id), then the meeting's row. The meeting's time goes back to both people
(`bookings.meeting_release`) in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from matchmaking.models import Meeting, MeetingStatus, Participant
from matchmaking.services.bookings import meeting_release
from matchmaking.services.requests import lock_participants, request_url
from notifications.sentences import Sentence
from notifications.services import notify


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: Participant, reason: str = "") -> Meeting:
    """One of the two people cancels a confirmed meeting that has not started, with an
    optional reason: both get the time back, the other is notified (`meeting.cancelled`).
    PermissionDenied for anyone else; ValidationError when it is already cancelled or has
    started."""
    people = lock_participants(
        Participant(pk=meeting.requester_id), Participant(pk=meeting.recipient_id)
    )
    meeting = (
        Meeting.objects.select_for_update().select_related("slot", "request").get(pk=meeting.pk)
    )
    if by.pk not in people:
        raise PermissionDenied(_("Only the two people of a meeting may cancel it."))
    if meeting.status != MeetingStatus.CONFIRMED:
        raise ValidationError(_("This meeting is already cancelled."))
    now = timezone.now()
    if meeting.slot.starts_at <= now:
        raise ValidationError(_("This meeting has already started."))
    by = people[by.pk]
    meeting_release(meeting=meeting)
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_by = by
    meeting.cancelled_at = now
    meeting.cancel_reason = reason.strip()[:500]
    meeting.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
    other = people[meeting.recipient_id if by.pk == meeting.requester_id else meeting.requester_id]
    notify(
        recipients=[other.user],
        kind="meeting.cancelled",
        verb=Sentence(
            gettext_noop("%(name)s cancelled your meeting at %(event)s"),
            {"name": by.user.display_name, "event": meeting.event.title},
        ),
        actor=by.user,
        target=meeting,
        url=request_url(meeting.request),
        level="warning",
        data={"meeting_id": meeting.pk, "event_id": meeting.event_id},
    )
    return meeting
