"""`manage.py seed_demo`: load the demo data set (organisations, people, partnerships, news)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from community.demo.builder import (
    DEFAULT_ORGANISATIONS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    demo_data_present,
    demo_seed,
)
from community.models import Organisation
from community.signals import demo_seeded


class Command(BaseCommand):
    help = (
        "Load demo data: 1,650 organisations across Europe and third countries, demo "
        "users in every role, partnerships and news. Deterministic for a given --seed and "
        "--base-date; does nothing when the demo data is already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--organisations",
            type=int,
            default=DEFAULT_ORGANISATIONS,
            help=f"number of organisations (default {DEFAULT_ORGANISATIONS})",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when any organisation exists (used by `make run`)",
        )
        parser.add_argument(
            "--base-date",
            type=dt.date.fromisoformat,
            default=None,
            help="date the generated dates are relative to, YYYY-MM-DD (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["organisations"]
        if count < 1:
            raise CommandError("--organisations must be at least 1.")
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Organisations already exist; demo data not loaded (--if-empty).")
            return
        if demo_data_present():
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        today: dt.date = options["base_date"] or timezone.localdate()
        started = time.monotonic()
        result = demo_seed(
            seed=options["seed"],
            organisations=count,
            today=today,
            progress=self.stdout.write,
        )
        if not result.created:
            self.stdout.write(result.message)
            return
        demo_seeded.send(
            sender=self.__class__, seed=options["seed"], today=today, progress=self.stdout.write
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {elapsed:.1f} s: {result.organisations} organisations, "
                f"{result.users} users, {result.partnerships} partnerships, "
                f"{result.news} news items."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(login.email) for login in result.logins)
        for login in result.logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role}")
