"""ClusterXchange's sections of an organisation's profile page (community.profile_sections):
the "Message this organisation" button and the organisation's open offers and demands.
Registered in messaging.apps; the profile view has already applied the profile's gate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.urls import reverse

from messaging.selectors.contact import organisation_message_refusal
from messaging.selectors.listings import (
    listing_list_for_organisation,
    listing_own_organisation_ids,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from community.models import Organisation

PROFILE_LISTINGS_MAX = 20


def organisation_message_section(request: HttpRequest, organisation: Organisation) -> str:
    """The button for a person who may write; "Log in to message" for a visitor; for a
    member nothing (the profile says it is their organisation); otherwise the reason."""
    user = request.user
    url = reverse("xchange-organisation-message", kwargs={"slug": organisation.slug})
    refusal = None
    if user.is_authenticated:
        if organisation.pk in listing_own_organisation_ids(user):
            return ""
        refusal = organisation_message_refusal(user, organisation)
    return render_to_string(
        "messaging/profile/message.html",
        {"organisation": organisation, "url": url, "refusal": refusal},
        request=request,
    )


def organisation_listings_section(request: HttpRequest, organisation: Organisation) -> str:
    listings = list(
        listing_list_for_organisation(request.user, organisation)[: PROFILE_LISTINGS_MAX + 1]
    )
    return render_to_string(
        "messaging/profile/listings.html",
        {
            "organisation": organisation,
            "listings": listings[:PROFILE_LISTINGS_MAX],
            "more": len(listings) > PROFILE_LISTINGS_MAX,
            "own_ids": listing_own_organisation_ids(request.user),
        },
        request=request,
    )
