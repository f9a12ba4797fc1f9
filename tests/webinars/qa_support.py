"""Helpers of the room's questions, polls and hands tests."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from realtime.models import Event as LogEvent


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def logged(topic: str, *types: str) -> list[tuple[str, dict[str, Any]]]:
    """The events of `topic`'s log, in seq order (only `types` when given)."""
    rows = LogEvent.objects.filter(topic=topic).order_by("seq")
    if types:
        rows = rows.filter(type__in=types)
    return [(e.type, e.data) for e in rows]


def backstage(room: Any) -> str:
    return f"webinar_backstage:{room.event.pk}"
