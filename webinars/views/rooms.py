"""The live room page, /events/<slug>/room/ (the room page contract: docs/realtime.md,
"Webinar rooms"). Its panels are partials (room/_*.html) and each one's script is its own
module; room.js (this slice) runs the stage, the chat, the people and the host controls.

Who gets what: a visitor is sent to log in; whoever has no role in the room (not registered,
waitlisted, pending, removed) gets 404, as from every other room endpoint. A person with a
role whose room is not open (too early, ended, cancelled, or no online room) gets a page
saying so and when it opens: they will come back at the right time rather than guess.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from webinars.embeds import embed_for, embed_hosts
from webinars.models import RoomFormat
from webinars.selectors.events import event_get_by_slug_for
from webinars.selectors.rooms import (
    ROOM_OPENS_BEFORE,
    RoomRole,
    backstage_topic,
    room_is_open,
    room_opens_at,
    room_role,
    room_topic,
)


@login_required
def room_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_by_slug_for(request.user, slug)
    role = room_role(request.user, event)
    if role is None:
        raise Http404
    if not room_is_open(event):
        return render(
            request,
            "webinars/room_closed.html",
            {
                "event": event,
                "role": str(role),
                "opens_at": room_opens_at(event),
                "not_yet": (
                    event.room_format != RoomFormat.NONE
                    and event.cancelled_at is None
                    and event.room_ended_at is None
                    and timezone.now() < room_opens_at(event)
                ),
                "opens_before_minutes": int(ROOM_OPENS_BEFORE.total_seconds() // 60),
            },
        )
    embed = embed_for(event.stream_url) if event.room_format == RoomFormat.STAGE else None
    is_host = role == RoomRole.HOST
    context: dict[str, Any] = {
        "event": event,
        "role": str(role),
        "is_host": is_host,
        "room_topic": room_topic(event.pk),
        "backstage_topic": backstage_topic(event.pk) if is_host else "",
        "embed": embed,
        "is_video": event.room_format == RoomFormat.VIDEO,
    }
    response = render(request, "webinars/room.html", context)
    if embed is not None:
        # Framing is allowed on this page only, and only for the player's host.
        response._csp_update = {"frame-src": embed_hosts()}  # type: ignore[attr-defined]
    return response


urlpatterns = [
    path("<slug:slug>/room/", room_page, name="webinars-room"),
]
