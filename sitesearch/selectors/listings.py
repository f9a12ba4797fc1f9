"""Search provider: ClusterXchange listings (offers and demands).

Gate and matching: messaging.selectors.listings `listing_search` with `status=all`, which
keeps what `listing_get_for` lets the person open (live listings for everyone; closed or
expired ones for their organisation's members, their followers, the people talking about
them, staff) and matches with community.search.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.richtext import plain_text
from messaging.models import Listing
from messaging.selectors.listings import listing_is_live, listing_search
from sitesearch.selectors.registry import Hit, Query, marked, register, snippet


class ListingProvider:
    kind = "listings"
    label = _("ClusterXchange listings")
    priority = 20

    def matches(self, user: Any, query: Query) -> QuerySet[Listing]:
        return listing_search({"q": query.text, "status": "all"}, user=user).order_by(
            "-title_hit", "-relevance", "-created_at", "-pk"
        )

    def hit(self, row: Listing, query: Query) -> Hit:
        return Hit(
            kind=self.kind,
            id=row.pk,
            title=row.title,
            title_html=marked(row.title, query),
            snippet=snippet(query, plain_text(row.description)),
            url=row.get_absolute_url(),
            date=row.created_at,
            context=f"{row.get_kind_display()} · {row.organisation.name}",
            # Translators: a ClusterXchange listing that is closed or past its end date.
            status="" if listing_is_live(row) else str(_("Closed")),
        )


register(ListingProvider())
