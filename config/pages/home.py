"""The home page: the public one for visitors, a personal one for a logged-in person.

The personal home gathers what waits for the person across apps — unread conversations
(messaging), followed listings (messaging), their organisations' moderation status
(community) and, for staff, what waits in moderation — so it lives in `config`, which may
import every app. A constant number of queries whatever the person has (tests guard it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe

from community.models import ModerationStatus, Organisation
from community.selectors import organisations as org_selectors
from community.views.home import home as public_home
from config.pages.moderation import queue_counts
from hub.selectors.enquiries import desk_counts
from matchmaking.views.suggestions import suggestions_section
from messaging.models import ListingFollow
from messaging.selectors import conversations as conversation_selectors
from messaging.views.conversations import conversation_name

UNREAD_SHOWN = 5
FOLLOWED_SHOWN = 5


@dataclass(frozen=True)
class OrganisationStatus:
    organisation: Organisation
    role: str
    checks_met: int
    checks_total: int
    waived: bool


def _unread_conversations(user: Any) -> tuple[list[dict[str, Any]], int]:
    conversations = conversation_selectors.conversation_list_unread_for(user, UNREAD_SHOWN + 1)
    shown = conversations[:UNREAD_SHOWN]
    lines = [
        {"conversation": c, "name": conversation_name(c, user), "unread": getattr(c, "unread", 0)}
        for c in shown
    ]
    return lines, len(conversations) - len(shown)


def _followed_listings(user: Any) -> list[Any]:
    follows = (
        ListingFollow.objects.filter(user=user)
        .select_related("listing__organisation")
        .order_by("-created_at", "-id")[:FOLLOWED_SHOWN]
    )
    return [follow.listing for follow in follows]


def _organisations(user: Any) -> list[OrganisationStatus]:
    statuses = []
    for membership in org_selectors.organisation_list_for_user(user).order_by("organisation__name"):
        checklist = org_selectors.organisation_checklist(membership.organisation)
        statuses.append(
            OrganisationStatus(
                organisation=membership.organisation,
                role=membership.role,
                checks_met=sum(1 for item in checklist.items if item.ok),
                checks_total=len(checklist.items),
                waived=checklist.waived,
            )
        )
    return statuses


def _hub_waiting() -> dict[str, int]:
    desk = desk_counts()
    return {
        "desk_open": sum(n for state, n in desk.items() if state not in ("closed", "overdue")),
        "desk_overdue": desk["overdue"],
    }


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return public_home(request)
    unread, more_unread = _unread_conversations(user)
    context = {
        "unread": unread,
        "more_unread": more_unread,
        "followed": _followed_listings(user),
        "organisations": _organisations(user),
        "statuses": ModerationStatus,
        "moderation": queue_counts() if user.is_staff else None,
        # What waits at the international desk (library suggestions are in `moderation`).
        "hub_waiting": _hub_waiting() if user.is_staff else None,
        # Filled by the browser from the REST API: no query here.
        "suggested": mark_safe(  # noqa: S308  (rendered templates, which escape)
            suggestions_section(request, "organisations") + suggestions_section(request, "listings")
        ),
    }
    return render(request, "home/dashboard.html", context)


urlpatterns: list[URLPattern] = [path("", home, name="home")]
