"""Attendance: each socket's time in a room, from the live layer's presence of
`webinar_room:<event id>` (realtime.topics `presence_hook`).

One `AttendanceSpan` per socket and stretch of time: opened when the socket joins the room's
topic, closed when it unsubscribes, disconnects or loses access. A repeated join of a socket
whose span is open (a resubscribe after a gap, `since=N`) keeps that span; a socket that
left and joins again opens a new one. Spans a dead server process left open are closed when
the report is read (webinars.selectors.report), not here.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import DatabaseError, transaction

from webinars.models import AttendanceSpan

logger = logging.getLogger(__name__)


def attendance_record(op: str, user_id: int, key: str, socket: str, at: datetime) -> None:
    """Open (`join`) or close (`leave`) the span of one socket in the room of event `key`,
    at `at` (the caller's clock: the live layer passes the moment it saw the join or leave).

    Called by the live layer after the fact, in a worker thread, in the order the socket's
    joins and leaves happened. Idempotent: a repeated join while the socket's span is open
    keeps the first time; a leave with no open span does nothing. Never raises: attendance
    must not break a socket (a failure is logged and the span is missing or left open).
    """
    try:
        event_id = int(key)
        if op == "join":
            with transaction.atomic():
                if not AttendanceSpan.objects.filter(
                    event_id=event_id, socket=socket, left_at__isnull=True
                ).exists():
                    AttendanceSpan.objects.create(
                        event_id=event_id, socket=socket, user_id=user_id, joined_at=at
                    )
        elif op == "leave":
            # Never before the join (clocks of two processes, or a join recorded late).
            for span in AttendanceSpan.objects.filter(
                event_id=event_id, socket=socket, left_at__isnull=True
            ):
                AttendanceSpan.objects.filter(pk=span.pk).update(left_at=max(at, span.joined_at))
    except (DatabaseError, ValueError):
        logger.warning(
            "Attendance of socket %s in event %s not recorded", socket, key, exc_info=True
        )
