"""The staff moderation queue's and log's rows for what community owns: profiles and news.

Each queue row source is a `values()` queryset of the same four columns (`kind`, `item_id`,
`at`, `country_code`), so the page (config/pages/moderation.py) can union them with other
apps' sources, sort by age and page in the database. The log's sources are alike with three
columns (`kind`, `entry_id`, `at`; config/pages/moderation_log.py). Callers check staff first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Coalesce

from community.models import ModerationLogEntry, ModerationStatus, NewsItem, Organisation

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


def log_table_rows(model: type[Any], kind: str) -> QuerySet[Any, Any]:
    """The log's rows of an app's own log table (one `kind`, a `created_at` column): the
    columns of `moderation_log_rows`, to union with it. Callers check staff first."""
    return model.objects.order_by().values(
        kind=Value(kind, output_field=CharField()), entry_id=F("pk"), at=F("created_at")
    )


def moderation_log_rows(*, kind: str = "") -> QuerySet[ModerationLogEntry, Any]:
    """The log's rows for decisions on profiles and news (`kind` "profile" or "news", or
    both when empty): `kind`, `entry_id`, `at`, the columns every app's log source has."""
    rows = ModerationLogEntry.objects.order_by()
    if kind == "profile":
        rows = rows.filter(organisation__isnull=False)
    elif kind == "news":
        rows = rows.filter(news_item__isnull=False)
    return rows.values(
        kind=Case(
            When(organisation__isnull=False, then=Value("profile")),
            default=Value("news"),
            output_field=CharField(),
        ),
        entry_id=F("pk"),
        at=F("created_at"),
    )


def log_entries_by_id(ids: list[int]) -> dict[int, ModerationLogEntry]:
    return ModerationLogEntry.objects.select_related(
        "organisation", "news_item", "moderator"
    ).in_bulk(ids)
