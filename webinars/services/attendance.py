"""Attendance: each socket's time in a room, from the live layer's presence of
`webinar_room:<event id>` (realtime.topics `presence_hook`)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import DatabaseError

from webinars.models import AttendanceSpan

logger = logging.getLogger(__name__)


def attendance_record(op: str, user_id: int, key: str, socket: str, at: datetime) -> None:
    """Open (`join`) or close (`leave`) the span of one socket in the room of event `key`.

    Called by the live layer after the fact, in a worker thread; idempotent (a repeated join
    keeps the first time, a repeated leave the first). Never raises: attendance must not
    break a socket.
    """
    try:
        if op == "join":
            AttendanceSpan.objects.get_or_create(
                event_id=int(key), socket=socket, defaults={"user_id": user_id, "joined_at": at}
            )
        elif op == "leave":
            AttendanceSpan.objects.filter(
                event_id=int(key), socket=socket, left_at__isnull=True
            ).update(left_at=at)
    except (DatabaseError, ValueError):
        logger.warning(
            "Attendance of socket %s in event %s not recorded", socket, key, exc_info=True
        )
