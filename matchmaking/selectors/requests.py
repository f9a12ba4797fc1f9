"""Reads and the access gates of meeting requests.

Who sees a request: its two people (the requester and the recipient), and the event's
organisers (webinars.selectors.events.event_can_manage, which includes staff) read-only.
Nobody else: they get Http404, so its existence does not leak. Who answers it: only its two
people (`request_get_for_party`); an organiser who may see it gets PermissionDenied.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from matchmaking.models import (
    Booking,
    MeetingRequest,
    MeetingSlot,
    Participant,
    RequestStatus,
)
from webinars.models import Event
from webinars.selectors.events import _active, event_can_manage


def participant_for(user: Any, event: Event | int) -> Participant | None:
    """`user`'s participation in `event` (withdrawn or not), or None."""
    if not _active(user):
        return None
    event_id = event if isinstance(event, int) else event.pk
    return (
        Participant.objects.select_related("user", "event")
        .filter(event_id=event_id, user=user)
        .first()
    )


def participant_get_for(user: Any, event: Event, participant_id: int | str) -> Participant:
    """Another participant of `event`, not withdrawn, as `user` may address them; Http404
    otherwise."""
    try:
        return (
            Participant.objects.select_related("user", "event")
            .filter(event=event, withdrawn_at__isnull=True)
            .get(pk=int(participant_id))
        )
    except (Participant.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def _requests() -> QuerySet[MeetingRequest]:
    return MeetingRequest.objects.select_related(
        "event",
        "requester__user",
        "requester__organisation",
        "recipient__user",
        "recipient__organisation",
    ).prefetch_related("slots__slot")


def request_get_for(user: Any, request_id: int | str) -> MeetingRequest:
    """The request, if `user` is one of its two people or organises its event; Http404
    otherwise."""
    if not _active(user):
        raise Http404
    try:
        request = _requests().get(pk=int(request_id))
    except (MeetingRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if user.pk in (request.requester.user_id, request.recipient.user_id):
        return request
    if event_can_manage(user, request.event):
        return request
    raise Http404


def request_get_for_party(user: Any, request_id: int | str) -> tuple[MeetingRequest, Participant]:
    """The request and `user`'s side of it, for answering it: Http404 for whoever may not
    see it, PermissionDenied for an organiser (read-only)."""
    request = request_get_for(user, request_id)
    for side in (request.requester, request.recipient):
        if side.user_id == user.pk:
            return request, side
    raise PermissionDenied(_("Only the two people of a request may answer it."))


def request_role(user: Any, request: MeetingRequest) -> str:
    """`requester`, `recipient` or `organiser`: how `user` sees the request."""
    if user.pk == request.requester.user_id:
        return "requester"
    if user.pk == request.recipient.user_id:
        return "recipient"
    return "organiser"


def request_list_for(user: Any, event: Event, *, status: str = "") -> QuerySet[MeetingRequest]:
    """The requests `user` sent and received at `event`, newest first (none for a person
    who does not take part)."""
    if not _active(user):
        return MeetingRequest.objects.none()
    rows = (
        _requests()
        .filter(Q(requester__user=user) | Q(recipient__user=user), event=event)
        .select_related("meeting")
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def request_is_pending(request: MeetingRequest) -> bool:
    return request.status == RequestStatus.PENDING and request.expires_at > timezone.now()


def slots_free_for(*participants: Participant) -> QuerySet[MeetingSlot]:
    """The event's slots still to come at which none of `participants` has anything
    (meeting, held slot, session)."""
    event_id = participants[0].event_id
    users = [p.user_id for p in participants]
    busy = Booking.objects.filter(
        user_id__in=users, starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at")
    )
    return (
        MeetingSlot.objects.filter(event_id=event_id, starts_at__gt=timezone.now())
        .exclude(Exists(busy))
        .order_by("starts_at")
    )
