"""The staff moderation queue's rows for what community owns: profiles and news.

Each row source is a `values()` queryset of the same four columns (`kind`, `item_id`, `at`,
`country_code`), so the page (config/pages/moderation.py) can union them with other apps'
sources, sort by age and page in the database. Callers check staff first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce

from community.models import ModerationStatus, NewsItem, Organisation

WAITING = "waiting"
REJECTED = "rejected"


def _status(status: str) -> str:
    return ModerationStatus.REJECTED if status == REJECTED else ModerationStatus.NEEDS_REVIEW


def profile_queue_rows(*, status: str = WAITING, country: str = "") -> QuerySet[Organisation, Any]:
    rows = Organisation.objects.filter(status=_status(status))
    if country:
        rows = rows.filter(country=country)
    return rows.order_by().values(
        kind=Value("profile", output_field=CharField()),
        item_id=F("pk"),
        at=Coalesce(F("submitted_at"), F("created_at")),
        country_code=F("country"),
    )


def news_queue_rows(*, status: str = WAITING, country: str = "") -> QuerySet[NewsItem, Any]:
    rows = NewsItem.objects.filter(status=_status(status))
    if country:
        rows = rows.filter(country=country)
    return rows.order_by().values(
        kind=Value("news", output_field=CharField()),
        item_id=F("pk"),
        at=Coalesce(F("submitted_at"), F("created_at")),
        country_code=F("country"),
    )


def profiles_by_id(ids: list[int]) -> dict[int, Organisation]:
    return Organisation.objects.select_related("primary_ecosystem").in_bulk(ids)


def news_by_id(ids: list[int]) -> dict[int, NewsItem]:
    return NewsItem.objects.select_related("author", "organisation").in_bulk(ids)


def waiting_counts() -> dict[str, int]:
    """How many profiles and news items wait for review (two small indexed counts)."""
    return {
        "profile": Organisation.objects.filter(status=ModerationStatus.NEEDS_REVIEW).count(),
        "news": NewsItem.objects.filter(status=ModerationStatus.NEEDS_REVIEW).count(),
    }
