"""Reads of notifications, always scoped to the person who asks."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import QuerySet
from django.utils import timezone

from community.best_effort_cache import cache_delete, cache_get, cache_set
from notifications.models import DeliverySettings, Notification

TIME_ZONE_CACHE_SECONDS = 3600


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


def _time_zone_key(user_id: int) -> str:
    return f"person-time-zone:{user_id}"


def time_zone_for(user: Any) -> tzinfo:
    """The person's time zone (their delivery settings), or the site's when unset or unknown.

    Read on every page a logged-in person gets (config.middleware), so it is cached;
    time_zone_forget() drops it when the settings change.
    """
    name = cache_get(_time_zone_key(user.pk))
    if name is None:
        name = (
            DeliverySettings.objects.filter(user_id=user.pk)
            .values_list("timezone", flat=True)
            .first()
        ) or ""
        cache_set(_time_zone_key(user.pk), name, TIME_ZONE_CACHE_SECONDS)
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_default_timezone()


def time_zone_forget(user: Any) -> None:
    """Drop the cached time zone of `user` (call after their delivery settings change)."""
    cache_delete(_time_zone_key(user.pk))
