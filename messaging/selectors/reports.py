"""Reports on messages as rows of the staff moderation queue (config/pages/moderation.py).

The same four columns as community.selectors.moderation. Callers check staff first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, QuerySet, Value

from messaging.models import MessageReport


def report_queue_rows() -> QuerySet[MessageReport, Any]:
    """Open reports (a resolved one leaves the queue)."""
    return (
        MessageReport.objects.filter(resolved_at__isnull=True)
        .order_by()
        .values(
            kind=Value("report", output_field=CharField()),
            item_id=F("pk"),
            at=F("created_at"),
            country_code=Value("", output_field=CharField()),
        )
    )


def reports_by_id(ids: list[int]) -> dict[int, MessageReport]:
    return MessageReport.objects.select_related("message__sender", "reporter").in_bulk(ids)


def open_report_count() -> int:
    return MessageReport.objects.filter(resolved_at__isnull=True).count()
