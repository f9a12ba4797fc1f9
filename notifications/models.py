"""Notifications: what happened that a person should know, and how it reaches them.

The record follows the data model django-notifications made familiar (recipient, actor,
verb, target, action object, level, unread, data), plus soft delete, the e-mail mark, the
push subscriptions of each device, per-kind preferences and a durable delivery outbox.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    INFO = "info", _("Information")
    SUCCESS = "success", _("Success")
    WARNING = "warning", _("Warning")
    ERROR = "error", _("Error")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    PUSH = "push", _("Push to my devices")
    EMAIL = "email", _("Email")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The registered kind (notifications.kinds), e.g. "message.new"; preferences key on it.
    kind = models.CharField(max_length=60, db_index=True)
    # The sentence written in the recipient's language at creation; shown through
    # `text`, which renders data["sentence"] again in the reader's language when present.
    verb = models.CharField(max_length=255)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    action_object_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action_object_id = models.CharField(max_length=64, blank=True)
    action_object = GenericForeignKey("action_object_type", "action_object_id")
    url = models.CharField(max_length=300, blank=True)  # where a click goes
    # Collapses bursts: the push Topic header, and the key of an unread notification that a
    # newer one of the same group replaces (e.g. one per conversation).
    group_key = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    unread = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(deleted_at__isnull=True),
                name="notification_inbox",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(unread=True, deleted_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.verb}"

    @property
    def text(self) -> str:
        """The sentence in the active language (the reader's); see notifications.sentences."""
        from notifications.sentences import notification_text

        return notification_text(self)


class Preference(models.Model):
    """One person's choice for one kind on one channel. Absent row = the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}/{self.channel}={self.enabled}"


class DigestFrequency(models.TextChoices):
    OFF = "off", _("Never")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class DeliverySettings(models.Model):
    """Quiet hours and the digest, per person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_settings"
    )
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="Europe/Brussels")
    digest = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"delivery settings of {self.user_id}"


class PushSubscription(models.Model):
    """One browser or phone that accepted push (the PushSubscription of the Push API)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Set when the worker refused to send to it (notifications/push_targets.py): no push is
    # queued for it until its owner registers it again and it passes the checks.
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"push subscription {self.pk} of {self.user_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")  # gave up after the retries
    GONE = "gone", _("Subscription gone")  # 404/410 from the push service
    SKIPPED = "skipped", _("Skipped")  # read before it was sent, or disabled since


class Delivery(models.Model):
    """The outbox: one push to one device or one email, written in the notifying transaction.

    The worker (`manage.py run_worker`) sends due rows and records the outcome; a rolled-back
    transaction leaves no row, a dead worker leaves the row pending for the next one.
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    subscription = models.ForeignKey(
        PushSubscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} for notification {self.notification_id}: {self.status}"
