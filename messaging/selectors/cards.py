"""Listings as cards where people link to them (community.link_cards): what a person may see
of the listings a text links to, in one query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from community.link_cards import ListingCard, ListingStatusName
from messaging.models import Listing, ListingStatus
from messaging.selectors.listings import _visible_q, listing_is_live, listing_live_q


def listing_status_name(listing: Listing) -> ListingStatusName:
    """open, closed, or expired (open but past its `valid_until`)."""
    if listing.status == ListingStatus.CLOSED:
        return "closed"
    return "open" if listing.is_open else "expired"


def listing_card(listing: Listing) -> ListingCard:
    return {
        "listing": listing.pk,
        "url": listing.get_absolute_url(),
        "kind": listing.kind,
        "title": listing.title,
        "organisation": listing.organisation.name,
        "status": listing_status_name(listing),
    }


def listing_public_card(listing: Listing) -> ListingCard | None:
    """The card everyone may see, or None when the listing is not live (closed, expired, or
    its organisation not published): then only its members, followers and staff see it."""
    return listing_card(listing) if listing_is_live(listing) else None


def listing_cards_for(user: Any, listing_ids: Iterable[int]) -> dict[int, ListingCard]:
    """Cards of the listings among `listing_ids` that `user` (None: the public) may see,
    through the same rule as the listing's page (messaging.selectors.listings)."""
    listings = Listing.objects.filter(_visible_q(user), pk__in=list(listing_ids)).select_related(
        "organisation"
    )
    return {listing.pk: listing_card(listing) for listing in listings}


def listing_card_sample(count: int) -> list[ListingCard]:
    """Cards of up to `count` live listings, oldest first (demo posts link to them)."""
    listings = (
        Listing.objects.filter(listing_live_q()).select_related("organisation").order_by("pk")
    )
    return [listing_card(listing) for listing in listings[:count]]
