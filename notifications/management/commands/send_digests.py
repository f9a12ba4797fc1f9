"""`manage.py send_digests`: email the daily and weekly digests that are due.

Run it every 15 minutes (the worker or cron); a digest goes out once per period, so running
it more often, late, or twice at once is harmless (notifications/digest.py).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from notifications.digest import (
    DigestOutcome,
    digest_build,
    digest_connection,
    digest_due_users,
    digest_send,
    digest_since,
)
from notifications.models import DeliverySettings

logger = logging.getLogger("notifications.digest")


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO 8601 date and time: {value!r}") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Send the email digests due now (daily or weekly, 07:00 in each person's time zone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="act as if it were this moment (ISO 8601; without an offset, the site's zone)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="list who would get a digest and how many items, without sending or marking",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = _parse_now(options["now"]) if options["now"] else timezone.now()
        users = digest_due_users(now)
        if options["dry_run"]:
            self._dry_run(users, now)
            return
        counts = dict.fromkeys(DigestOutcome, 0)
        failed = 0
        connection = digest_connection()
        try:
            for user in users:
                try:
                    counts[digest_send(user=user, now=now, connection=connection)] += 1
                except Exception:
                    # This person's marks were rolled back: the next run retries them.
                    failed += 1
                    logger.exception("digest for user %s failed", user.pk)
                    connection.close()  # a broken SMTP session must not fail the others
        finally:
            connection.close()
        self.stdout.write(
            f"Sent {counts[DigestOutcome.SENT]} digest(s); "
            f"{counts[DigestOutcome.EMPTY]} empty, not sent; "
            f"{counts[DigestOutcome.NOT_DUE]} no longer due; {failed} failed."
        )
        if failed:
            raise CommandError(f"{failed} digest(s) failed; they are retried on the next run.")

    def _dry_run(self, users: list[Any], now: datetime) -> None:
        would = 0
        for user in users:
            row = DeliverySettings.objects.filter(user=user).first() or DeliverySettings()
            since = digest_since(row.digest, row.last_digest_at, now)
            digest = digest_build(user, since, until=now)
            if digest.is_empty:
                continue
            would += 1
            sections = ", ".join(f"{s.key} {s.count + s.more}" for s in digest.sections)
            self.stdout.write(f"{user.email}: {sections}")
        self.stdout.write(f"Would send {would} digest(s) of {len(users)} due (dry run).")
