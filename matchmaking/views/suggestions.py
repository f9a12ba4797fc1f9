"""Suggestion pages: `suggestions/` (the kinds as tabs) and `suggestions/why-not/`, and the
small "Suggested for you" section other pages show (`suggestions_section`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext_lazy as _

from matchmaking.selectors.suggestions import (
    KINDS,
    suggestion_list_for,
    suggestion_why_not_for,
)

TAB_NAMES = {
    "organisations": _("Organisations"),
    "listings": _("Offers and demands"),
    "participants": _("People to meet"),
    "events": _("Events"),
}
SECTION_SHOWN = 3


@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "organisations")
    if kind not in KINDS:
        kind = "organisations"
    found = suggestion_list_for(request.user, kind=kind, event_slug=request.GET.get("event"))
    tabs = [(k, TAB_NAMES[k], k == kind) for k in KINDS]
    return render(
        request, "matchmaking/suggestions/list.html", {"found": found, "tabs": tabs, "kind": kind}
    )


@login_required
def why_not(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    answer = None
    if kind in KINDS and request.GET.get("id"):
        answer = suggestion_why_not_for(
            request.user,
            kind=kind,
            target_id=request.GET["id"],
            event_slug=request.GET.get("event"),
        )
    tabs = [(k, TAB_NAMES[k]) for k in KINDS]
    return render(
        request,
        "matchmaking/suggestions/why_not.html",
        {"answer": answer, "tabs": tabs, "kind": kind, "id": request.GET.get("id", "")},
    )


def suggestions_section(request: HttpRequest, kind: str, **context: Any) -> str:
    """The "Suggested for you" box of other pages: a few suggestions with their reasons,
    for a signed-in person only (an empty string otherwise or when there is none)."""
    if not request.user.is_authenticated:
        return ""
    found = suggestion_list_for(request.user, kind=kind, limit=SECTION_SHOWN)
    if not found.items:
        return ""
    return render_to_string(
        "matchmaking/suggestions/_section.html",
        {"found": found, "kind": kind, **context},
        request=request,
    )


urlpatterns = [
    path("suggestions/", suggestions, name="matchmaking-suggestions"),
    path("suggestions/why-not/", why_not, name="matchmaking-why-not"),
]
