"""community/slugs.py: unique slugs in one query, and an insert that survives a slug taken
between the check and the insert."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from community import slugs
from community.models import NewsItem
from community.services.news import news_create
from tests.factories import NewsItemFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_free_slug_is_the_title_and_a_taken_one_gets_the_next_number():
    assert slugs.unique_slug(NewsItem, "Cluster Days 2027", fallback="news") == "cluster-days-2027"
    NewsItemFactory(slug="cluster-days")
    NewsItemFactory(slug="cluster-days-2")
    NewsItemFactory(slug="cluster-days-in-lyon")  # shares the beginning only: not in the way
    assert slugs.unique_slug(NewsItem, "Cluster days", fallback="news") == "cluster-days-3"


def test_reserved_paths_fallback_and_length():
    assert slugs.unique_slug(NewsItem, "Feed", fallback="news", reserved={"feed"}) == "feed-2"
    assert slugs.unique_slug(NewsItem, "¿¡!?", fallback="news") == "news"
    assert len(slugs.unique_slug(NewsItem, "x" * 500, fallback="news", max_length=120)) == 120


def test_a_slug_taken_between_the_check_and_the_insert_is_replaced(monkeypatch):
    """The race: another request inserts the same title's slug after ours was chosen."""
    NewsItemFactory(slug="same-title")
    real = slugs.unique_slug
    answers = iter(["same-title"])  # what a check made before the other insert would say

    def stale_then_real(*args, **kwargs):
        return next(answers, None) or real(*args, **kwargs)

    monkeypatch.setattr(slugs, "unique_slug", stale_then_real)
    item = news_create(
        author=StaffFactory(), title="Same title", summary="A summary.", body="Text."
    )
    assert item.slug == "same-title-2"
    assert NewsItem.objects.filter(slug__startswith="same-title").count() == 2


def test_another_integrity_error_is_not_mistaken_for_a_taken_slug():
    item = NewsItemFactory.build(slug="", author=None)
    item.pk = NewsItemFactory().pk  # a primary key that exists: not about the slug
    with pytest.raises(IntegrityError):
        slugs.save_with_unique_slug(item, "Fresh title", fallback="news")
