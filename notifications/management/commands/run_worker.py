"""`manage.py run_worker`: write the notifications other apps left in the outbox
(notifications.outbox), send push and email, and the daily digests, until stopped."""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from notifications.outbox import outbox_drain, outbox_run
from notifications.tasks import Sender, deliveries_drain, deliveries_run
from realtime.events import background_publisher

logger = logging.getLogger("notifications.worker")

# Digests are due at 07:00 in each person's time zone; checking every 15 minutes sends
# them within a quarter of an hour of that, and `send_digests` never sends one twice.
DIGEST_INTERVAL = 15 * 60.0


class Command(BaseCommand):
    help = (
        "Write pending notifications (notifications.outbox), then send due push and email "
        "deliveries (notifications.tasks). Several workers may run "
        "at once; a killed worker's rows are taken over once their lease has passed. "
        "SIGTERM or Ctrl-C finish the current send and stop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")
        parser.add_argument(
            "--poll", type=float, default=0.25, help="seconds between polls when idle (0.25)"
        )
        parser.add_argument("--batch", type=int, default=20, help="rows claimed at a time (20)")
        parser.add_argument(
            "--lease",
            type=float,
            default=60.0,
            help="seconds a claimed row stays this worker's before another may take it (60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # One INFO line per request, with the device's endpoint URL in it: too much.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            logger.info("worker: signal %s, finishing the current send", signum)
            stop.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        lease = timedelta(seconds=options["lease"])
        sender = Sender()
        totals: dict[str, int] = {}
        started = time.monotonic()
        try:
            with background_publisher():
                self._run(sender, stop, totals, lease, options)
        finally:
            sender.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        summary = ", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "nothing due"
        self.stdout.write(f"worker stopped after {time.monotonic() - started:.1f} s: {summary}")

    def _run(
        self,
        sender: Sender,
        stop: threading.Event,
        totals: dict[str, int],
        lease: timedelta,
        options: dict[str, Any],
    ) -> None:
        if options["once"]:
            if not settings.NOTIFICATION_OUTBOX_IN_SERVER:
                outbox_drain(limit=options["batch"])
            totals.update(
                deliveries_drain(sender=sender, limit=options["batch"], lease=lease, stop=stop)
            )
        else:
            self._loop(
                sender,
                stop,
                totals,
                options["batch"],
                lease,
                options["poll"],
                options["verbosity"],
            )

    def _loop(
        self,
        sender: Sender,
        stop: threading.Event,
        totals: dict[str, int],
        batch: int,
        lease: timedelta,
        poll: float,
        verbosity: int,
    ) -> None:
        self.stdout.write(f"worker running (poll {poll} s, batch {batch}, lease {lease})")
        self.stdout.flush()
        next_digests = time.monotonic()
        while not stop.is_set():
            if time.monotonic() >= next_digests:
                next_digests = time.monotonic() + DIGEST_INTERVAL
                self._send_digests()
            try:
                # Notifications first: a chat message's push is due a few seconds after it.
                written = 0 if settings.NOTIFICATION_OUTBOX_IN_SERVER else outbox_run(limit=batch)
                outcomes = deliveries_run(sender=sender, limit=batch, lease=lease, stop=stop)
            except DatabaseError:
                # The database restarted or is briefly unreachable: reconnect on the next pass.
                logger.exception("worker: database error; retrying")
                connection.close()
                stop.wait(max(poll, 1.0))
                continue
            for status, count in outcomes.items():
                totals[status] = totals.get(status, 0) + count
            if outcomes and verbosity >= 2:
                self.stdout.write(f"sent a batch: {outcomes}")
            # At once again only after a full batch (more is waiting). Otherwise the next pass
            # waits for the poll, even after one that did something: at a steady trickle (chat
            # at 50 messages/s) a pass then takes all that came in meanwhile, instead of one
            # message per pass, each pass paying every drain's fixed queries.
            if written < batch and sum(outcomes.values()) < batch:
                stop.wait(poll)

    def _send_digests(self) -> None:
        try:
            call_command("send_digests", stdout=self.stdout)
        except (CommandError, DatabaseError):
            # Failed digests were rolled back and are retried on the next pass.
            logger.exception("worker: digests failed; retrying in %s s", DIGEST_INTERVAL)
