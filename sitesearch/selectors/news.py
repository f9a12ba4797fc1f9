"""Search provider: news.

Gate: community.selectors.news `news_list_visible_to` (the rule of `news_get_for`: published
items for everyone; unpublished ones for their author, their organisation's members and
staff). Matching: the news list's own search (community.selectors.news `news_matching`,
community.search underneath).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.models import ModerationStatus, NewsItem
from community.richtext import plain_text
from community.selectors.news import news_list_visible_to, news_matching
from sitesearch.selectors.registry import Hit, Query, marked, register, snippet


class NewsProvider:
    kind = "news"
    label = _("News")
    priority = 30

    def matches(self, user: Any, query: Query) -> QuerySet[NewsItem]:
        return news_matching(news_list_visible_to(user), query.text)

    def hit(self, row: NewsItem, query: Query) -> Hit:
        return Hit(
            kind=self.kind,
            id=row.pk,
            title=row.title,
            title_html=marked(row.title, query),
            snippet=snippet(query, row.summary, plain_text(row.body)),
            url=row.get_absolute_url(),
            date=row.published_at or row.updated_at,
            context=row.organisation.name if row.organisation else "",
            status="" if row.status == ModerationStatus.PUBLISHED else row.get_status_display(),
        )


register(NewsProvider())
