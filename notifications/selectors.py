"""Reads of notifications, always scoped to the person who asks."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import QuerySet
from django.utils import timezone

from notifications.models import DeliverySettings, Notification


def notification_list_for(
    user: Any, *, unread: bool | None = None, kind: str | None = None, level: str | None = None
) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user, deleted_at__isnull=True).select_related(
        "actor"
    )
    if unread is not None:
        rows = rows.filter(unread=unread)
    if kind:
        rows = rows.filter(kind=kind)
    if level:
        rows = rows.filter(level=level)
    return rows.order_by("-created_at", "-id")


def unread_count_for(user: Any) -> int:
    return Notification.objects.filter(recipient=user, unread=True, deleted_at__isnull=True).count()


def time_zone_for(user: Any) -> tzinfo:
    """The person's time zone (their delivery settings), or the site's when unset or unknown."""
    try:
        # Loaded with the person by config.authentication.PersonBackend (no query then).
        name = user.delivery_settings.timezone
    except DeliverySettings.DoesNotExist:
        name = None
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_default_timezone()
