"""Search provider: open calls (closed ones too: a closed call's page still opens).

Gate: hub.selectors.calls `calls_visible_to` (the rule of `call_get_for`: published calls
for everyone; unpublished ones for their author, their organisation's members and staff).
Matching: community.search `text_search`, the directory's (the calls list matches plain
substrings; the site search matches every kind the same way).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.models import ModerationStatus
from community.richtext import plain_text
from community.search import search_vector, text_search
from hub.models import Call
from hub.selectors.calls import calls_visible_to
from sitesearch.selectors.registry import Hit, Query, marked, register, snippet

FIELDS = ("title", "summary", "programme", "funder", "body")


class CallProvider:
    kind = "calls"
    label = _("Open calls")
    priority = 40

    def matches(self, user: Any, query: Query) -> QuerySet[Call]:
        return text_search(
            calls_visible_to(user),
            query.text,
            headline="title",
            document=lambda: search_vector(
                ("title", "A"), ("summary", "B"), ("programme", "B"), ("funder", "B"), ("body", "C")
            ),
            words_in=FIELDS,
        ).order_by("-title_hit", "-relevance", "-deadline", "-pk")

    def hit(self, row: Call, query: Query) -> Hit:
        return Hit(
            kind=self.kind,
            id=row.pk,
            title=row.title,
            title_html=marked(row.title, query),
            snippet=snippet(query, row.summary, plain_text(row.body), row.programme, row.funder),
            url=row.get_absolute_url(),
            date=row.deadline,
            context=row.funder or row.programme,
            status="" if row.status == ModerationStatus.PUBLISHED else row.get_status_display(),
        )


register(CallProvider())
