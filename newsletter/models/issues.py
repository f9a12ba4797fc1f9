"""Issues of the newsletter, their items, and one delivery row per (issue, subscriber)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IssueState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Issue(models.Model):
    """One issue. Its subject and editorial are IssueText rows, one per language (English
    required, the fallback of the others); its items are IssueItem rows in their order."""

    state = models.CharField(
        _("state"), max_length=10, choices=IssueState.choices, default=IssueState.DRAFT
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # the last delivery was handled
    recipients = models.PositiveIntegerField(default=0)  # deliveries queued by the send

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return f"/newsletter/issues/{self.pk}/"


class IssueText(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=200)
    editorial = models.TextField(_("editorial"), blank=True)  # markdown subset

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "language"], name="newsletter_text_once")
        ]

    def __str__(self) -> str:
        return self.subject


class ItemKind(models.TextChoices):
    NEWS = "news", _("News")
    CALL = "call", _("Open call")
    EVENT = "event", _("Event")


class IssueItem(models.Model):
    """One picked news item, call or event. When the issue is queued its text, link and
    topics are frozen into `snapshot` (sending.issue_send): what was sent stays in the
    archive, and the rest of a send renders the same, when the item is later changed or
    deleted (its foreign key is then null)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    news = models.ForeignKey(
        "community.NewsItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    call = models.ForeignKey(
        "hub.Call", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        "webinars.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # {"title", "summary", "url", "when" (ISO 8601 or null), "ecosystems", "countries",
    # "everywhere"}: sending.ItemInfo as it was when the issue was queued; null in a draft.
    snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["news", "call", "event"])
                    & (Q(news__isnull=True) | Q(kind="news"))
                    & (Q(call__isnull=True) | Q(kind="call"))
                    & (Q(event__isnull=True) | Q(kind="event"))
                ),
                name="newsletter_item_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.news_id or self.call_id or self.event_id}"

    @property
    def target(self) -> models.Model | None:
        """The picked item; None once it was deleted."""
        return self.news or self.call or self.event

    @property
    def target_id(self) -> int | None:
        return self.news_id or self.call_id or self.event_id


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Bounced")
    # Nothing to send: unsubscribed before their turn, or no item matched their topics.
    SKIPPED = "skipped", _("Skipped")


class Delivery(models.Model):
    """One issue to one subscriber. queued → sent / bounced / skipped, each move committed
    by the worker right after the SMTP answer (newsletter/services/sending.py)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        "newsletter.Subscriber",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # The subscriber left from this issue's links, or before the next issue reached them.
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="newsletter_delivery_once")
        ]
        indexes = [
            # The worker's claim (queued, in id order) and the progress of one issue.
            models.Index(fields=["state", "id"], name="newsletter_delivery_state"),
            models.Index(fields=["issue", "state"], name="newsletter_delivery_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}: {self.state}"
