"""What the meeting reminder pass already sent (matchmaking/services/reminders.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from matchmaking.models.meetings import Meeting


class MeetingReminderSent(models.Model):
    """One person reminded of one meeting, for the start its slot had then. Written in the
    transaction that notifies them, so a reminder is sent once, across restarts too."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "starts_at", "user"], name="mm_meeting_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder of meeting {self.meeting_id} to {self.user_id}"
