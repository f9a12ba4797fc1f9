"""Suggestion pages: `suggestions/` (the kinds as tabs) and `suggestions/why-not/`, and the
small "Suggested for you" section other pages show (`suggestions_section`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.models import Ecosystem, Organisation
from matchmaking.selectors.suggestions import (
    KINDS,
    participation_for,
    suggestion_list_for,
    suggestion_why_not_for,
)
from matchmaking.suggest.engine import Filters
from messaging.models import Listing
from webinars.models import Event, EventKind

TAB_NAMES = {
    "organisations": _("Organisations"),
    "listings": _("Offers and demands"),
    "participants": _("People to meet"),
    "events": _("Events"),
}
SECTION_SHOWN = 3
SECTION_HEADINGS = {
    "organisations": _("Organisations suggested for you"),
    "listings": _("Offers and demands suggested for you"),
    "participants": _("People suggested for you to meet"),
    "events": _("Events suggested for you"),
}


@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "organisations")
    if kind not in KINDS:
        kind = "organisations"
    filters = _filters(request)
    found = suggestion_list_for(
        request.user, kind=kind, event_slug=request.GET.get("event"), filters=filters
    )
    tabs = [(k, TAB_NAMES[k], k == kind) for k in KINDS]
    return render(
        request,
        "matchmaking/suggestions/list.html",
        {
            "found": found,
            "tabs": tabs,
            "kind": kind,
            "filters": filters,
            "ecosystems": Ecosystem.objects.all(),
            "countries": list(countries),
        },
    )


def _filters(request: HttpRequest) -> Filters:
    ecosystem = request.GET.get("ecosystem", "")
    country = request.GET.get("country", "").upper()
    return Filters(
        ecosystem=ecosystem if Ecosystem.objects.filter(slug=ecosystem).exists() else "",
        country=country if country in countries else "",
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
            filters=_filters(request),
        )
    tabs = [(k, TAB_NAMES[k]) for k in KINDS]
    return render(
        request,
        "matchmaking/suggestions/why_not.html",
        {"answer": answer, "tabs": tabs, "kind": kind, "id": request.GET.get("id", "")},
    )


def suggestions_section(
    request: HttpRequest, kind: str, event_slug: str = "", exclude: int | None = None
) -> str:
    """The "Suggested for you" box other pages show, for a signed-in person only: an empty
    section that matchmaking/suggestions.js fills from the REST API after the page loaded
    (the page's own queries stay what they were); never suggesting `exclude`, the page's
    own object. An empty string for visitors."""
    if not request.user.is_authenticated:
        return ""
    query: dict[str, object] = {"kind": kind, "limit": SECTION_SHOWN}
    if event_slug:
        query["event"] = event_slug
    page_query = {k: v for k, v in query.items() if k in ("kind", "event")}
    if exclude is not None:
        query["exclude"] = exclude
    # A plain context (the request only for its CSP nonce): the page's context processors
    # have run already, and running them again would cost their queries again.
    return render_to_string(
        "matchmaking/suggestions/_lazy.html",
        {
            "request": request,
            "kind": kind,
            "heading": SECTION_HEADINGS[kind],
            "api_url": f"{reverse('api-matchmaking-suggestions')}?{urlencode(query)}",
            # The full page: the same kind (and event), all of them, nothing left out.
            "page_url": f"{reverse('matchmaking-suggestions')}?{urlencode(page_query)}",
        },
    )


def organisation_section(request: HttpRequest, organisation: Organisation) -> str:
    return suggestions_section(request, "organisations", exclude=organisation.pk)


def listing_section(request: HttpRequest, listing: Listing) -> str:
    return suggestions_section(request, "listings", exclude=listing.pk)


def event_section(request: HttpRequest, event: Event) -> str:
    """At a matchmaking event the person takes part in: people to meet there; elsewhere,
    other events."""
    if (
        event.kind == EventKind.MATCHMAKING
        and request.user.is_authenticated
        and participation_for(request.user, event.slug) is not None
    ):
        return suggestions_section(request, "participants", event.slug)
    return suggestions_section(request, "events", exclude=event.pk)


urlpatterns = [
    path("suggestions/", suggestions, name="matchmaking-suggestions"),
    path("suggestions/why-not/", why_not, name="matchmaking-why-not"),
]
