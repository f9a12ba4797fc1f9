"""The organiser's auto-scheduler: a draft placement of mutual requests, reviewed before it
is applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matchmaking.models.meetings import MeetingRequest
from matchmaking.models.participants import MeetingSlot
from webinars.models import Event


class ScheduleDraftStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


class ScheduleDraft(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_drafts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ScheduleDraftStatus.choices, default=ScheduleDraftStatus.DRAFT
    )
    # What the solver reported: requests considered, placed, seconds, solver status.
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"schedule draft {self.pk} of {self.event_id}"


class DraftPlacement(models.Model):
    draft = models.ForeignKey(ScheduleDraft, on_delete=models.CASCADE, related_name="placements")
    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "request"], name="mm_draft_request_once"),
        ]

    def __str__(self) -> str:
        return f"request {self.request_id} at slot {self.slot_id}"
