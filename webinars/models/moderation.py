"""Staff decisions on events the community submitted (the events' own moderation log).

community.ModerationLogEntry covers profiles and news and may not point at webinars (imports
go one way), so events keep their decisions here, with the same fields.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import ModerationDecision
from webinars.models.events import Event


class EventModerationLogEntry(models.Model):
    """One staff decision on an event: what, who, when, why (the reason sent on rejection)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="moderation_log")
    decision = models.CharField(_("decision"), max_length=20, choices=ModerationDecision.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event moderation log entry")
        verbose_name_plural = _("event moderation log")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.event_id}"
