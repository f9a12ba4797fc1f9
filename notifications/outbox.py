"""Notifications the worker writes after the act that caused them (the outbox).

Some acts are on a hot path: a chat message must reach the other participants' sockets in
milliseconds, and writing its notifications (preferences, quiet hours, devices, the badge
count, a live event) doubled the work of a send. Such an act only marks what it did as
pending in its own transaction (a column on its own row: no extra statement); the worker
(`manage.py run_worker`) then calls every registered drain on each pass, which notifies and
clears the mark in one transaction.

An app registers its drain in `AppConfig.ready()`:

    register_drain("message.new", message_notifications_drain)

A drain takes `limit` and returns how many pending items it handled (0 when none). It must
be safe with several workers (claim rows with `select_for_update(skip_locked=True)`) and
idempotent across a crash (notify and clear the mark in one transaction).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError

logger = logging.getLogger(__name__)

Drain = Callable[[int], int]
_DRAINS: dict[str, Drain] = {}


def register_drain(name: str, drain: Drain) -> None:
    """Have the worker call `drain(limit)` on each pass; `name` identifies it in logs."""
    _DRAINS[name] = drain


def outbox_run(*, limit: int = 50) -> int:
    """One pass over every registered drain; returns how many items they handled.

    A drain that fails is logged and the others still run; its rows stay pending and are
    retried on the next pass. A database error is raised: the worker reconnects.
    """
    handled = 0
    for name, drain in _DRAINS.items():
        try:
            handled += drain(limit)
        except DatabaseError:
            raise
        except Exception:
            logger.exception("outbox drain %s failed; retrying on the next pass", name)
    return handled


def outbox_drain(*, limit: int = 50) -> int:
    """Run passes until nothing is pending (the demo loader, tests, `run_worker --once`)."""
    total = 0
    while handled := outbox_run(limit=limit):
        total += handled
    return total
