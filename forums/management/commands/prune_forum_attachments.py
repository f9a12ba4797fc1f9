"""Remove forum uploads that no post took (closed tab, abandoned reply) and the files of
deleted posts.

Run daily from cron, like `prune_attachments`; an upload younger than `--hours` (24) is kept,
so a post being written is never robbed of its file.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from forums.services.attachments import attachments_prune


class Command(BaseCommand):
    help = "Remove forum uploads that no post took, and the files of deleted posts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args: Any, hours: int, **options: Any) -> None:
        removed = attachments_prune(older_than=timedelta(hours=hours))
        self.stdout.write(f"Removed {removed} forum attachments (unused or of deleted posts).")
