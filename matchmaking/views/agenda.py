"""A person's agenda and their meeting's page, under /matchmaking/.

- `<slug>/agenda/` my confirmed meetings and registered sessions at the event, in time
  order, each time in my zone beside the event's (404 unless I take part).
- `meetings/<pk>/` one of my meetings (404 for anyone but its two people): before the slot a
  countdown, from 5 minutes before it to 15 minutes after it the video room (webinars'
  video.js on `meeting_call:<id>`), afterwards the one-click outcome (POST).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from matchmaking.forms.agenda import OutcomeForm
from matchmaking.selectors.agenda import (
    agenda_for,
    meeting_me_and_other,
    meeting_outcome_open,
    meeting_own_get_for,
    meeting_phase,
    meeting_room_closes_at,
    meeting_room_opens_at,
)
from matchmaking.selectors.participants import participant_own_get_for
from matchmaking.services.outcomes import meeting_outcome_set


@require_safe
@login_required
def agenda_page(request: HttpRequest, slug: str) -> HttpResponse:
    participant = participant_own_get_for(request.user, slug)
    event = participant.event
    return render(
        request,
        "matchmaking/agenda/agenda.html",
        {"event": event, "items": agenda_for(request.user, event)},
    )


def _follow_up_choice(planned: bool | None) -> str:
    return "" if planned is None else ("yes" if planned else "no")


@require_http_methods(["GET", "POST"])
@login_required
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_own_get_for(request.user, pk)
    me, other = meeting_me_and_other(meeting, request.user)
    form = OutcomeForm(
        request.POST or None,
        initial={
            "outcome": meeting.outcome or "held",
            "follow_up": _follow_up_choice(meeting.follow_up_planned),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_outcome_set(
                meeting=meeting,
                participant=me,
                outcome=form.cleaned_data["outcome"],
                follow_up_planned=form.follow_up_planned(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the meeting's outcome was saved."))
            return redirect(reverse("matchmaking-meeting", kwargs={"pk": meeting.pk}))
    return render(
        request,
        "matchmaking/agenda/meeting.html",
        {
            "meeting": meeting,
            "event": meeting.event,
            "other": other,
            "phase": meeting_phase(meeting),
            "opens_at": meeting_room_opens_at(meeting),
            "closes_at": meeting_room_closes_at(meeting),
            "outcome_open": meeting_outcome_open(meeting),
            "form": form,
        },
    )


urlpatterns = [
    path("meetings/<int:pk>/", meeting_page, name="matchmaking-meeting"),
    path("<slug:slug>/agenda/", agenda_page, name="matchmaking-agenda"),
]
