"""A person's agenda at a matchmaking event, their meetings, and the meeting's video room.

- The agenda: their confirmed meetings and the programme's sessions they registered for
  (`MatchmakingSetup.sessions`), in time order.
- Its page, room and outcome are for its two people only (`meeting_own_get_for`, 404 for
  anyone else; `selectors/meetings.py` lets organisers read it too).
- Its video room, the topic `meeting_call:<meeting id>`, opens to the two people of a
  confirmed meeting from ROOM_OPENS_BEFORE before the slot to ROOM_CLOSES_AFTER after it.
- The calendar feed's meetings (`meeting_feed_entries`, registered with
  webinars.calendar_sources in matchmaking/apps.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from matchmaking.models import MatchmakingSetup, Meeting, MeetingStatus, Participant
from realtime.presence import presence_read
from webinars.calendar_sources import FeedEntry
from webinars.ical import site_host
from webinars.models import Event, Registration, RegistrationStatus
from webinars.selectors.events import _active

ROOM_OPENS_BEFORE = timedelta(minutes=5)
ROOM_CLOSES_AFTER = timedelta(minutes=15)
# The outcome may be reported from the slot's start until this long after its end.
OUTCOME_CHANGEABLE_FOR = timedelta(days=7)
FEED_PAST_DAYS = 90


def _of(user: Any) -> Q:
    return Q(requester__user=user) | Q(recipient__user=user)


def meeting_list_for(user: Any) -> QuerySet[Meeting]:
    """Every meeting `user` is one of the two people of (any status)."""
    if not _active(user):
        return Meeting.objects.none()
    return Meeting.objects.filter(_of(user)).select_related(
        "slot", "event", "requester__user", "recipient__user",
        "requester__organisation", "recipient__organisation",
    )  # fmt: skip


def meeting_own_get_for(user: Any, meeting_id: int | str) -> Meeting:
    """The meeting if `user` is one of its two people; Http404 otherwise."""
    try:
        return meeting_list_for(user).get(pk=int(meeting_id))
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def meeting_me_and_other(meeting: Meeting, user: Any) -> tuple[Participant, Participant]:
    if meeting.requester.user_id == user.pk:
        return meeting.requester, meeting.recipient
    return meeting.recipient, meeting.requester


def meeting_room_opens_at(meeting: Meeting) -> datetime:
    return meeting.slot.starts_at - ROOM_OPENS_BEFORE


def meeting_room_closes_at(meeting: Meeting) -> datetime:
    return meeting.slot.ends_at + ROOM_CLOSES_AFTER


def meeting_phase(meeting: Meeting, now: datetime | None = None) -> str:
    """ "cancelled", "before" (the room is not open yet), "room" (open), "after"."""
    now = now or timezone.now()
    if meeting.status != MeetingStatus.CONFIRMED:
        return "cancelled"
    if now < meeting_room_opens_at(meeting):
        return "before"
    if now < meeting_room_closes_at(meeting):
        return "room"
    return "after"


def meeting_outcome_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """Whether the outcome may be reported (or changed) now."""
    now = now or timezone.now()
    return (
        meeting.status == MeetingStatus.CONFIRMED
        and meeting.slot.starts_at <= now < meeting.slot.ends_at + OUTCOME_CHANGEABLE_FOR
    )


def meeting_call_topic(meeting_id: int) -> str:
    return f"meeting_call:{meeting_id}"


def meeting_call_get_for(user: Any, meeting_id: int | str, now: datetime | None = None) -> Meeting:
    """The meeting whose video room `user` may be in now: one of its two people, confirmed,
    neither withdrawn, inside the room's time window; Http404 otherwise."""
    meeting = meeting_own_get_for(user, meeting_id)
    if meeting_phase(meeting, now) != "room":
        raise Http404
    if meeting.requester.withdrawn_at is not None or meeting.recipient.withdrawn_at is not None:
        raise Http404
    return meeting


def meeting_call_participant_count(meeting_id: int) -> int:
    """How many people are in the room now (best effort: 0 when the roster is unreachable)."""
    try:
        return presence_read(meeting_call_topic(meeting_id)).count
    except Exception:
        return 0


def meeting_call_can_subscribe(user: Any, key: str) -> bool:
    """The gate of `meeting_call:<meeting id>` (realtime.topics)."""
    try:
        meeting_call_get_for(user, key)
    except Http404:
        return False
    return True


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # "meeting" or "session"
    starts_at: datetime
    ends_at: datetime
    title: str
    path: str
    meeting: Meeting | None = None
    session: Event | None = None
    with_whom: Participant | None = None


def agenda_sessions_for(user: Any, event: Event) -> QuerySet[Event]:
    """The programme's sessions of `event` that `user` is registered for."""
    setup = MatchmakingSetup.objects.filter(event=event).first()
    if setup is None:
        return Event.objects.none()
    registered = Registration.objects.filter(
        user=user, status=RegistrationStatus.REGISTERED
    ).values("event_id")
    return setup.sessions.filter(pk__in=registered, cancelled_at__isnull=True).order_by(
        "starts_at", "pk"
    )


def agenda_for(user: Any, event: Event) -> list[AgendaItem]:
    """`user`'s confirmed meetings and registered sessions at `event`, in time order.
    Precondition: `user` takes part (participant_own_get_for)."""
    items = []
    meetings = meeting_list_for(user).filter(event=event, status=MeetingStatus.CONFIRMED)
    for meeting in meetings:
        _me, other = meeting_me_and_other(meeting, user)
        items.append(
            AgendaItem(
                kind="meeting",
                starts_at=meeting.slot.starts_at,
                ends_at=meeting.slot.ends_at,
                # Translators: an entry of a person's agenda ("Meeting with Anna Dupont").
                title=_("Meeting with %(name)s") % {"name": other.user.display_name},
                path=reverse("matchmaking-meeting", kwargs={"pk": meeting.pk}),
                meeting=meeting,
                with_whom=other,
            )
        )
    for session in agenda_sessions_for(user, event):
        items.append(
            AgendaItem(
                kind="session",
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                title=session.title,
                path=session.get_absolute_url(),
                session=session,
            )
        )
    return sorted(items, key=lambda item: (item.starts_at, item.kind, item.path))


def meeting_feed_entries(user: Any) -> list[FeedEntry]:
    """`user`'s meetings for their calendar feed (webinars.calendar_sources): confirmed ones,
    and cancelled ones as cancelled so calendar apps drop them; not those that ended more
    than FEED_PAST_DAYS ago."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    entries = []
    for meeting in meeting_list_for(user).filter(slot__ends_at__gte=since):
        _me, other = meeting_me_and_other(meeting, user)
        who = other.user.display_name
        if other.organisation is not None:
            who = f"{who} ({other.organisation.name})"
        summary = _("Meeting with %(name)s") % {"name": who}
        cancelled = meeting.status != MeetingStatus.CONFIRMED
        if cancelled:
            summary = _("Cancelled: %(title)s") % {"title": summary}
        changed = max(meeting.created_at, meeting.cancelled_at or meeting.created_at)
        entries.append(
            FeedEntry(
                uid=f"meeting-{meeting.pk}@{site_host()}",
                starts_at=meeting.slot.starts_at,
                ends_at=meeting.slot.ends_at,
                time_zone=meeting.event.time_zone,
                summary=summary,
                # Translators: the description of a meeting in a calendar app.
                description=_("One-to-one meeting at %(event)s. Join the video room from its page.")
                % {"event": meeting.event.title},
                path=reverse("matchmaking-meeting", kwargs={"pk": meeting.pk}),
                created_at=meeting.created_at,
                updated_at=changed,
                cancelled=cancelled,
            )
        )
    return entries
