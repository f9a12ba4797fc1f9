"""Search provider: organisation profiles.

Gate: community.selectors.organisations `organisation_visible_queryset` (what
`organisation_get_for` lets a person open: published profiles; also their own organisations'
profiles in any state; every profile for staff). Matching: the directory's own search
(community.search `apply_text_search`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.models import ModerationStatus, Organisation
from community.richtext import plain_text
from community.search import apply_text_search
from community.selectors.organisations import organisation_visible_queryset
from sitesearch.selectors.registry import Hit, Query, marked, register, snippet


class OrganisationProvider:
    kind = "organisations"
    label = _("Organisations")
    priority = 10

    def matches(self, user: Any, query: Query) -> QuerySet[Organisation]:
        visible = Organisation.objects.filter(
            pk__in=organisation_visible_queryset(user).order_by().values("pk")
        )
        return apply_text_search(visible, query.text).order_by(
            "-name_hit", "-relevance", "name", "pk"
        )

    def hit(self, row: Organisation, query: Query) -> Hit:
        place = ", ".join(p for p in (row.city, str(row.country.name) if row.country else "") if p)
        return Hit(
            kind=self.kind,
            id=row.pk,
            title=row.name,
            title_html=marked(row.name, query),
            snippet=snippet(query, plain_text(row.description), row.cooperation_interests),
            url=row.get_absolute_url(),
            date=row.updated_at,
            context=place,
            status="" if row.status == ModerationStatus.PUBLISHED else row.get_status_display(),
        )


register(OrganisationProvider())
