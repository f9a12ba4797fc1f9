"""Who may take part in the video call of a small room (`room_format` "video").

The call is the topic `webinar_call:<event id>` (docs/realtime.md, "Video calls"): whoever
is in the room now (`room_get_for`: open, with a role, not removed) may join it, while
fewer than WEBINAR_CALL_CAPACITY people are in it (the live layer counts them: `max_people`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404

from realtime.presence import presence_read
from webinars.models import Event, RoomFormat
from webinars.selectors.rooms import room_get_for


def call_topic(event_id: int) -> str:
    return f"webinar_call:{event_id}"


def call_capacity() -> int:
    return int(getattr(settings, "WEBINAR_CALL_CAPACITY", 8))


def call_get_for(user: Any, event_id: int | str) -> Event:
    """The event whose call `user` may join now; Http404 otherwise (not in the room, the
    room is closed, or the event's room is not a video room)."""
    event = room_get_for(user, event_id)
    if event.room_format != RoomFormat.VIDEO:
        raise Http404
    return event


def call_can_subscribe(user: Any, key: str) -> bool:
    """The gate of `webinar_call:<event id>` (re-checked with the room's, `recheck_with`)."""
    try:
        call_get_for(user, key)
    except Http404:
        return False
    return True


def call_participant_count(event_id: int) -> int:
    """How many people are in the call now (best effort: 0 when the roster is unreachable)."""
    try:
        return presence_read(call_topic(event_id)).count
    except Exception:
        return 0
