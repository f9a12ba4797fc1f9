"""`manage.py vapid_keys`: create the VAPID key pair of the embedded default, or print one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifications.push import vapid_keys_file, vapid_keys_generate


class Command(BaseCommand):
    help = (
        "Write a new VAPID key pair (RFC 8292) to WEBPUSH_VAPID_FILE (var/vapid.json), which "
        "the settings load when WEBPUSH_VAPID_PRIVATE_KEY is not in the environment. "
        "--print shows a new pair as environment variables instead, for production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing when keys are configured or the file exists (used by `make run`)",
        )
        parser.add_argument(
            "--print",
            action="store_true",
            help="print a new pair for the environment; write nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print"]:
            keys = vapid_keys_generate()
            private = keys["private_key"].strip().replace("\n", "\\n")
            self.stdout.write(f'WEBPUSH_VAPID_PRIVATE_KEY="{private}"')
            self.stdout.write(f"WEBPUSH_VAPID_PUBLIC_KEY={keys['public_key']}")
            return
        path = Path(settings.WEBPUSH_VAPID_FILE)
        if options["if_missing"]:
            if settings.WEBPUSH_VAPID_PRIVATE_KEY and not path.is_file():
                self.stdout.write("VAPID keys come from the environment; nothing to do.")
                return
            stored = vapid_keys_file(path, create=True)
            assert stored is not None
            self.stdout.write(f"VAPID public key ({path}): {stored['public_key']}")
            return
        if path.is_file():
            raise CommandError(
                f"{path} exists. Replacing the keys invalidates every browser's push "
                "subscription; delete the file first if that is what you want."
            )
        created = vapid_keys_file(path, create=True)
        assert created is not None
        self.stdout.write(json.dumps({"file": str(path), "public_key": created["public_key"]}))
