"""ClusterXchange's section of the email digest (notifications/digest.py).

Notifications may not import messaging, so messaging registers its section itself when this
module is imported — from `MessagingConfig.ready()`: `import messaging.digest  # noqa: F401`.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import Ecosystem, User
from messaging.models import Listing, ListingKind, ListingStatus
from messaging.selectors.listings import (
    ListingSearchParams,
    listing_list_followed_by,
    listing_search,
)
from notifications.digest import DigestItem, register_digest_section

# Enough for the digest's "and N more"; a longer tail is not worth the query.
MAX_COLLECT = 100


def _item(listing: Listing, label: str, when: datetime) -> DigestItem:
    return DigestItem(
        title=listing.title,
        url=listing.get_absolute_url(),
        summary=listing.organisation.name,
        label=label,
        when=when,
    )


def followed_listings_section(user: User, since: datetime) -> list[DigestItem]:
    """Listings `user` follows that changed since `since`, and new live listings in the
    ecosystems of `user`'s organisations (not their own organisations' listings), newest
    first. Only listings `user` may see: the selectors apply the listing gates.
    """
    followed = list(listing_list_followed_by(user).filter(updated_at__gte=since)[:MAX_COLLECT])
    items = [
        _item(
            listing,
            _("Closed") if listing.status == ListingStatus.CLOSED else _("Updated"),
            listing.updated_at,
        )
        for listing in followed
    ]
    ecosystems = Ecosystem.objects.filter(organisations__memberships__user=user)
    new = (
        listing_search(ListingSearchParams(), user=user)
        .filter(created_at__gte=since, ecosystems__in=ecosystems)
        .exclude(organisation__memberships__user=user)
        .exclude(pk__in=[listing.pk for listing in followed])
        .distinct()
    )
    items += [
        _item(
            listing,
            _("New offer") if listing.kind == ListingKind.OFFER else _("New demand"),
            listing.created_at,
        )
        for listing in new[:MAX_COLLECT]
    ]
    items.sort(key=lambda item: item.when or since, reverse=True)
    return items


register_digest_section(
    "listings",
    gettext_lazy("Offers and demands"),
    followed_listings_section,
    more_url=reverse_lazy("xchange-browse"),
)
