"""Participant pages of a matchmaking event, under /matchmaking/.

- `<slug>/` the participants, with filters (participants, organisers and staff; 404 else).
- `<slug>/me/` my own profile, to edit (404 unless I take part).
- `<slug>/participants/<pk>/` one profile, with "Request a meeting".
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from matchmaking.forms.participants import ParticipantFilterForm, ParticipantForm
from matchmaking.selectors.participants import (
    ParticipantFilters,
    participant_active_of,
    participant_get_for,
    participant_list,
    participant_own_get_for,
    participants_event_get_for,
)
from matchmaking.services.participants import participant_update

PAGE_SIZE = 30


@require_safe
@login_required
def participant_list_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = participants_event_get_for(request.user, slug)
    form = ParticipantFilterForm(request.GET or None)
    rows = participant_list(event, ParticipantFilters(**form.filters()))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matchmaking/participants/list.html",
        {
            "event": event,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "me": participant_active_of(request.user, event),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def participant_profile_page(request: HttpRequest, slug: str) -> HttpResponse:
    participant = participant_own_get_for(request.user, slug)
    form = ParticipantForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            participant_update(participant=participant, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("matchmaking-profile", slug=slug)
    return render(
        request,
        "matchmaking/participants/profile.html",
        {"event": participant.event, "participant": participant, "form": form},
    )


def _request_url(slug: str, pk: int) -> str:
    # The request pages are another module's (matchmaking/views/requests.py).
    try:
        return reverse("matchmaking-request-create", args=[slug, pk])
    except NoReverseMatch:
        return ""


@require_safe
@login_required
def participant_detail_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    participant = participant_get_for(request.user, pk)
    if participant.event.slug != slug:
        raise Http404
    is_me = participant.user_id == request.user.pk
    can_request = not is_me and participant_active_of(request.user, participant.event) is not None
    return render(
        request,
        "matchmaking/participants/detail.html",
        {
            "event": participant.event,
            "participant": participant,
            "is_me": is_me,
            "request_url": _request_url(slug, participant.pk) if can_request else "",
        },
    )


urlpatterns = [
    path("<slug:slug>/", participant_list_page, name="matchmaking-participants"),
    path("<slug:slug>/me/", participant_profile_page, name="matchmaking-profile"),
    path(
        "<slug:slug>/participants/<int:pk>/",
        participant_detail_page,
        name="matchmaking-participant",
    ),
]
