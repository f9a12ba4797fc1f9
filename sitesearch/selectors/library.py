"""Search provider: knowledge library items (documents and links), with their PDFs' text.

Gate: hub.selectors.library `items_visible_to` (the rule of `item_get_for`: published items
for everyone; a suggestion for its suggester; staff see all).
Matching: hub.selectors.library `items_matching`, the library page's own search (the
directory's community.search over the title and the folded text, which holds the authors,
publisher, tags, abstract and the text extracted from the PDF).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.models import ModerationStatus
from community.richtext import plain_text
from hub.models import LibraryItem
from hub.selectors.library import items_matching, items_visible_to
from sitesearch.selectors.registry import Hit, Query, marked, register, snippet


class LibraryProvider:
    kind = "library"
    label = _("Library")
    priority = 45

    def matches(self, user: Any, query: Query) -> QuerySet[LibraryItem]:
        return items_matching(items_visible_to(user), query.text)

    def hit(self, row: LibraryItem, query: Query) -> Hit:
        published = row.published_at or (datetime(row.year, 1, 1, tzinfo=UTC) if row.year else None)
        return Hit(
            kind=self.kind,
            id=row.pk,
            title=row.title,
            title_html=marked(row.title, query),
            snippet=snippet(
                query, plain_text(row.abstract), row.authors, row.publisher, row.extracted_text
            ),
            url=row.get_absolute_url(),
            date=published,
            context=" · ".join(part for part in (row.publisher, str(row.year or "")) if part),
            status="" if row.status == ModerationStatus.PUBLISHED else row.get_status_display(),
        )


register(LibraryProvider())
