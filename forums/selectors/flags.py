"""Open flags on forum posts as rows of the staff moderation queue (config/pages/moderation.py).

The same four columns as community.selectors.moderation. Callers check staff first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, QuerySet, Value

from forums.models import PostFlag


def flag_queue_rows() -> QuerySet[PostFlag, Any]:
    """Open flags (a resolved one leaves the queue)."""
    return (
        PostFlag.objects.filter(resolved_at__isnull=True)
        .order_by()
        .values(
            kind=Value("flag", output_field=CharField()),
            item_id=F("pk"),
            at=F("created_at"),
            country_code=Value("", output_field=CharField()),
        )
    )


def flags_by_id(ids: list[int]) -> dict[int, PostFlag]:
    return PostFlag.objects.select_related("post__author", "post__topic", "reporter").in_bulk(ids)


def open_flag_count() -> int:
    return PostFlag.objects.filter(resolved_at__isnull=True).count()
