"""Notifications the worker writes after the act that caused them (the outbox).

Some acts are on a hot path: a chat message must reach the other participants' sockets in
milliseconds, and writing its notifications (preferences, quiet hours, devices, the badge
count, a live event) doubled the work of a send. Such an act only marks what it did as
pending in its own transaction (a column on its own row: no extra statement); the worker
(`manage.py run_worker`) then calls every registered drain on each pass, which notifies and
clears the mark in one transaction.

With a process-local channel layer (no REDIS_URL: the embedded default) a broadcast from the
worker would reach none of the server's sockets, so the server process drains the outbox
itself (`OutboxInServer`, settings.NOTIFICATION_OUTBOX_IN_SERVER) and the worker leaves it.

An app registers its drain in `AppConfig.ready()`:

    register_drain("message.new", message_notifications_drain)

A drain takes `limit` and returns how many pending items it handled (0 when none). It must
be safe with several workers (claim rows with `select_for_update(skip_locked=True)`) and
idempotent across a crash (notify and clear the mark in one transaction).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
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


POLL_SECONDS = 0.25


async def outbox_serve() -> None:
    """The server process's own drain loop (NOTIFICATION_OUTBOX_IN_SERVER): a pass on the
    thread of the sync work, then the next at once if it found something, else after
    POLL_SECONDS. Runs until the process ends."""
    while True:
        try:
            handled = await database_sync_to_async(outbox_run)()
        except Exception:
            logger.exception("outbox pass failed; retrying")
            handled = 0
        await asyncio.sleep(0 if handled else POLL_SECONDS)


class OutboxInServer:
    """ASGI middleware: with NOTIFICATION_OUTBOX_IN_SERVER, starts `outbox_serve` on the
    server's loop at its first connection or request."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.task: asyncio.Task[None] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if self.task is None and settings.NOTIFICATION_OUTBOX_IN_SERVER:
            self.task = asyncio.get_running_loop().create_task(outbox_serve())
        return await self.app(scope, receive, send)
