"""Who may be in an event's live room, and as what.

The room of an event opens ROOM_OPENS_BEFORE before its start and closes when a host ends
it or WEBINAR_ROOM_GRACE after the event's end, whichever comes first; a cancelled event
has no room. In an open room:

- hosts: the event's hosts (EventPerson host), its organisers (`event_can_manage`) and staff;
- speakers: the event's speakers (EventPerson speaker, or Speaker rows linked to an account);
- attendees: people with a `registered` registration.

Nobody else may join, and nobody a host removed (`RoomRemoval`), whatever their role,
unless they are an organiser or staff. Whoever may not join gets 404 (`room_get_for`), and
the socket gate (`room_can_subscribe`) answers False the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import OrganisationMembership
from realtime.models import TopicCounter
from webinars.models import (
    Event,
    EventPerson,
    EventRole,
    Registration,
    RegistrationStatus,
    RoomFormat,
    RoomRemoval,
    Speaker,
)
from webinars.selectors.events import (
    MANAGER_ROLES,
    _active,
    event_can_manage,
    event_get_for,
    user_is_staff,
)

ROOM_OPENS_BEFORE = timedelta(minutes=15)


class RoomRole(StrEnum):
    HOST = "host"
    SPEAKER = "speaker"
    ATTENDEE = "attendee"


def room_topic(event_id: int) -> str:
    return f"webinar_room:{event_id}"


def room_opens_at(event: Event) -> datetime:
    return event.starts_at - ROOM_OPENS_BEFORE


def room_closes_at(event: Event) -> datetime:
    grace = timedelta(minutes=settings.WEBINAR_ROOM_GRACE_MINUTES)
    return event.ends_at + grace


def room_is_open(event: Event, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        event.room_format != RoomFormat.NONE
        and event.cancelled_at is None
        and event.room_ended_at is None
        and room_opens_at(event) <= now < room_closes_at(event)
    )


def room_role(user: Any, event: Event) -> RoomRole | None:
    """`user`'s role in the room of `event` (open or not), or None if they may not join."""
    if not _active(user):
        return None
    if event_can_manage(user, event):
        return RoomRole.HOST  # organisers and staff: never locked out by a removal
    if RoomRemoval.objects.filter(event=event, user=user).exists():
        return None
    person = EventPerson.objects.filter(event=event, user=user).values_list("role", flat=True)
    role = person.first()
    if role == EventRole.HOST:
        return RoomRole.HOST
    if role == EventRole.SPEAKER or Speaker.objects.filter(event=event, user=user).exists():
        return RoomRole.SPEAKER
    if Registration.objects.filter(
        event=event, user=user, status=RegistrationStatus.REGISTERED
    ).exists():
        return RoomRole.ATTENDEE
    return None


def room_get_for(user: Any, event_id: int | str, *, require_open: bool = True) -> Event:
    """The event whose room `user` may be in now; Http404 otherwise (also before it opens,
    unless `require_open` is False: the room page says when it opens)."""
    event = event_get_for(user, event_id)
    if room_role(user, event) is None:
        raise Http404
    if require_open and not room_is_open(event):
        raise Http404
    return event


def room_is_host(user: Any, event: Event) -> bool:
    return room_role(user, event) == RoomRole.HOST


def room_can_subscribe(user: Any, key: str) -> bool:
    """The gate of `webinar_room:<event id>`: in the room now (open, with a role)."""
    try:
        room_get_for(user, key)
    except Http404:
        return False
    return True


def room_sees_names(user: Any, key: str) -> bool:
    """Presence: hosts see who is in the room, everyone else only the count."""
    try:
        event = event_get_for(user, key)
    except Http404:
        return False
    return user_is_staff(user) or room_is_host(user, event)


def backstage_can_subscribe(user: Any, key: str) -> bool:
    """The gate of `webinar_backstage:<event id>`: the room's hosts, while it is open."""
    try:
        event = room_get_for(user, key)
    except Http404:
        return False
    return room_is_host(user, event)


def backstage_topic(event_id: int) -> str:
    return f"webinar_backstage:{event_id}"


def topic_seq(topic: str) -> int:
    """The last seq of a live topic (the room's, its backstage's): read it BEFORE the rows of
    a snapshot, so a client that subscribes `since` it misses nothing written meanwhile (it
    may see an item twice, and upserts by id)."""
    row = TopicCounter.objects.filter(topic=topic).values_list("last_seq", flat=True).first()
    return int(row or 0)


def room_seq(event_id: int) -> int:
    """The last seq of `webinar_room:<id>` (`topic_seq`)."""
    return topic_seq(room_topic(event_id))


def room_roles_of(event: Event, user_ids: list[int]) -> dict[int, RoomRole]:
    """The room role of each of `user_ids` (in a few queries, for the hosts' people list);
    anyone not host or speaker counts as an attendee. Removed people are left out."""
    ids = {int(i) for i in user_ids}
    if not ids:
        return {}
    roles: dict[int, RoomRole] = dict.fromkeys(ids, RoomRole.ATTENDEE)
    removed = set(
        RoomRemoval.objects.filter(event=event, user_id__in=ids).values_list("user_id", flat=True)
    )
    speakers = set(
        Speaker.objects.filter(event=event, user_id__in=ids).values_list("user_id", flat=True)
    )
    for user_id in speakers:
        roles[user_id] = RoomRole.SPEAKER
    for user_id, role in EventPerson.objects.filter(event=event, user_id__in=ids).values_list(
        "user_id", "role"
    ):
        roles[user_id] = RoomRole.HOST if role == EventRole.HOST else RoomRole.SPEAKER
    for user_id in removed:
        roles.pop(user_id, None)
    managers = set(
        get_user_model()
        .objects.filter(pk__in=ids, is_staff=True, is_active=True)
        .values_list("pk", flat=True)
    )
    organisations = [event.organiser_organisation_id]
    if event.organiser_partnership_id is not None:
        organisations.append(
            event.organiser_partnership.coordinator_id  # type: ignore[union-attr]
        )
    managers |= set(
        OrganisationMembership.objects.filter(
            user_id__in=ids,
            organisation_id__in=[o for o in organisations if o is not None],
            role__in=MANAGER_ROLES,
        ).values_list("user_id", flat=True)
    )
    for user_id in managers:
        roles[user_id] = RoomRole.HOST  # organisers and staff, removed or not
    return roles


def room_host_get_for(user: Any, event_id: int | str) -> Event:
    """The open room's event if `user` hosts it. Outside the room: Http404; in it but not a
    host: PermissionDenied (they see the room, so its existence is no secret to them)."""
    event = room_get_for(user, event_id)
    if not room_is_host(user, event):
        raise PermissionDenied(_("Only the room's hosts may do this."))
    return event
