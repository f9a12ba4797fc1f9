"""Calendars: each person's secret iCal feed, and what the reminder pass already sent.

Reminders are recorded per person (`ReminderSent`) in the transaction that notifies them,
and per event once everybody has been reminded (`EventReminder`), so the pass finds what is
due with one indexed query on `Event.starts_at`. Both are keyed by the start they were sent
for: an event moved to another time is reminded again for the new time.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from webinars.models.events import Event


def feed_token_new() -> str:
    """A fresh secret for a feed address: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's iCal feed. Whoever knows `token` reads the feed (calendar apps cannot sign
    in), so it is a password: resetting it gives a new one and the old address answers 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=feed_token_new)
    created_at = models.DateTimeField(default=timezone.now)
    reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "24h"
    STARTING = "15m"


class ReminderSent(models.Model):
    """One person reminded of one event, for the start the event had then."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reminder = models.CharField(max_length=3, choices=ReminderKind.choices)
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "reminder", "starts_at", "user"], name="reminder_sent_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reminder} reminder of {self.event_id} to {self.user_id}"


class EventReminder(models.Model):
    """Everybody due a reminder of the event was reminded, for this start."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    reminder = models.CharField(max_length=3, choices=ReminderKind.choices)
    starts_at = models.DateTimeField()
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "reminder", "starts_at"], name="event_reminder_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reminder} reminders of {self.event_id} done"
