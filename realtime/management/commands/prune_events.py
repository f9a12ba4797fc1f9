"""Delete logged events older than the retention window (REALTIME_EVENT_RETENTION_DAYS).

Clients whose `since` falls before what is left get `resync_required` and reload over REST.
Run daily from cron or the worker.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from realtime.models import Event


class Command(BaseCommand):
    help = "Delete live events older than the retention window."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=settings.REALTIME_EVENT_RETENTION_DAYS)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = Event.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} events older than {days} days.")
