"""Reads and the access gates of meetings: the same rule as requests
(matchmaking/selectors/requests.py) — its two people, and the event's organisers
read-only; Http404 for everyone else."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from matchmaking.models import Meeting, Participant
from webinars.selectors.events import _active, event_can_manage


def meeting_get_for(user: Any, meeting_id: int | str) -> Meeting:
    """The meeting, if `user` is one of its two people or organises its event; Http404
    otherwise."""
    if not _active(user):
        raise Http404
    try:
        meeting = Meeting.objects.select_related(
            "event",
            "slot",
            "requester__user",
            "requester__organisation",
            "recipient__user",
            "recipient__organisation",
        ).get(pk=int(meeting_id))
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if user.pk in (meeting.requester.user_id, meeting.recipient.user_id):
        return meeting
    if event_can_manage(user, meeting.event):
        return meeting
    raise Http404


def meeting_get_for_party(user: Any, meeting_id: int | str) -> tuple[Meeting, Participant]:
    """The meeting and `user`'s side of it, for changing it: Http404 for whoever may not
    see it, PermissionDenied for an organiser (read-only)."""
    meeting = meeting_get_for(user, meeting_id)
    for side in (meeting.requester, meeting.recipient):
        if side.user_id == user.pk:
            return meeting, side
    raise PermissionDenied(_("Only the two people of a meeting may change it."))
