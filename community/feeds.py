"""Atom feed of published news (/news/feed/): the 50 newest items."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from community.models import NewsItem
from community.selectors.news import news_published

FEED_SIZE = 50


class NewsFeed(Feed):
    feed_type = Atom1Feed
    title = _("ClusterHub news")
    link = "/news/"
    subtitle = _("News from Europe's cluster community.")

    def items(self) -> QuerySet[NewsItem]:
        return news_published()[:FEED_SIZE]

    def item_title(self, item: NewsItem) -> str:
        return item.title

    def item_description(self, item: NewsItem) -> str:
        return item.summary

    def item_link(self, item: NewsItem) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: NewsItem) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: NewsItem) -> datetime:
        return item.updated_at

    def item_author_name(self, item: NewsItem) -> str | None:
        if item.organisation is not None:
            return item.organisation.name
        return "ClusterHub"

    def item_categories(self, item: NewsItem) -> list[str]:
        return [ecosystem.name for ecosystem in item.ecosystems.all()]
