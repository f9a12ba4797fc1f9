"""Remove files uploaded for a message that was never sent (closed tab, cancelled send).

Run daily from cron, like `prune_events`; an upload younger than `--hours` (24) is kept, so a
message being written is never robbed of its file.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from messaging.services.attachments import attachments_prune


class Command(BaseCommand):
    help = "Remove uploaded attachments that were never sent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args: Any, hours: int, **options: Any) -> None:
        removed = attachments_prune(older_than=timedelta(hours=hours))
        self.stdout.write(f"Removed {removed} unsent attachments older than {hours} hours.")
