"""Writes for confirmed meetings: cancelling one, and ending everything of a person who
withdraws from the event.

Locks in the order of matchmaking/services/requests.py: the two participants' rows
(ascending id), then the meeting's row. The meeting's time goes back to both people
(`bookings.meeting_release`) in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from matchmaking.models import Meeting, MeetingRequest, MeetingStatus, Participant, RequestStatus
from matchmaking.services.bookings import meeting_release
from matchmaking.services.requests import (
    lock_participants,
    request_close,
    request_tell,
    request_url,
)
from notifications.sentences import Sentence
from notifications.services import notify
from realtime.services import subscription_revoke
from webinars.models import Event, EventKind


def _tell_cancelled(meeting: Meeting, *, by: Participant, to: Participant) -> None:
    notify(
        recipients=[to.user],
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
    _tell_cancelled(meeting, by=by, to=other)
    # Its video room closes for both at once (after commit), not at the next periodic check.
    subscription_revoke(user_ids=[by.user_id, other.user_id], topic=f"meeting_call:{meeting.pk}")
    return meeting


def commitments_end(*, participant: Participant) -> tuple[int, int]:
    """`participant` withdrew from the event (their registration ended): what they had
    pending or planned ends with it, and the other people are told. Requests they sent are
    cancelled, requests they received declined, their meetings that have not started
    cancelled; every held slot and booked time goes back. Runs in the caller's transaction
    (the registration's), with the locks of this module's order. Answers (requests ended,
    meetings cancelled)."""
    now = timezone.now()
    mine = Q(requester_id=participant.pk) | Q(recipient_id=participant.pk)
    requests = list(MeetingRequest.objects.filter(mine, status=RequestStatus.PENDING))
    meetings = list(
        Meeting.objects.filter(mine, status=MeetingStatus.CONFIRMED, slot__starts_at__gt=now)
    )
    others = [Participant(pk=r.requester_id) for r in requests + meetings]
    others += [Participant(pk=r.recipient_id) for r in requests + meetings]
    people = lock_participants(participant, *others)
    me = people[participant.pk]
    ended = 0
    for request in (
        MeetingRequest.objects.select_for_update()
        .filter(pk__in=[r.pk for r in requests], status=RequestStatus.PENDING)
        .order_by("pk")
    ):
        request.requester = people[request.requester_id]
        request.recipient = people[request.recipient_id]
        sent = request.requester_id == me.pk
        request_close(request, RequestStatus.CANCELLED if sent else RequestStatus.DECLINED, now)
        request_tell(
            request,
            to=request.recipient if sent else request.requester,
            by=me,
            kind="meeting.cancelled" if sent else "meeting.declined",
            msgid=gettext_noop("%(name)s withdrew from %(event)s: your meeting request ended"),
            level="warning",
        )
        ended += 1
    cancelled = 0
    for meeting in (
        Meeting.objects.select_for_update()
        .filter(pk__in=[m.pk for m in meetings], status=MeetingStatus.CONFIRMED)
        .select_related("request")
        .order_by("pk")
    ):
        meeting_release(meeting=meeting)
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancelled_by = me
        meeting.cancelled_at = now
        meeting.save(update_fields=["status", "cancelled_by", "cancelled_at"])
        other_id = meeting.recipient_id if me.pk == meeting.requester_id else meeting.requester_id
        _tell_cancelled(meeting, by=me, to=people[other_id])
        cancelled += 1
    return ended, cancelled


def event_saved(sender: Any, instance: Event, **kwargs: Any) -> None:
    """`post_save` receiver of `webinars.Event` (matchmaking/apps.py): when a matchmaking
    event is cancelled, what was pending or planned in it ends with it, in the cancellation's
    transaction. Its people were told of the cancellation itself (webinars)."""
    if kwargs.get("raw") or instance.kind != EventKind.MATCHMAKING or not instance.cancelled_at:
        return
    now = timezone.now()
    pending = MeetingRequest.objects.filter(event=instance, status=RequestStatus.PENDING)
    planned = Meeting.objects.filter(event=instance, status=MeetingStatus.CONFIRMED)
    if not pending.exists() and not planned.exists():
        return
    lock_participants(*Participant.objects.filter(event=instance).only("pk"))
    for request in pending.select_for_update().order_by("pk"):
        request_close(request, RequestStatus.CANCELLED, now)
    for meeting in planned.select_for_update().order_by("pk"):
        meeting_release(meeting=meeting)
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancelled_at = now
        meeting.save(update_fields=["status", "cancelled_at"])
