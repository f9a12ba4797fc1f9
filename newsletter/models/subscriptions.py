"""Who receives the newsletter: confirmed subscribers, and the pending requests before them.

No subscriber row exists before its address is confirmed: a request holds the address, the
chosen language and topics, and the hash of the token mailed to it, until it is confirmed or
expires (then the worker deletes it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Ecosystem


def _topics_default() -> dict[str, object]:
    return {}


class SubscriptionRequest(models.Model):
    """A subscription waiting for its address to be confirmed (double opt-in)."""

    email = models.EmailField(_("e-mail address"), max_length=254, db_index=True)
    language = models.CharField(_("language"), max_length=8)
    # {"ecosystems": [slug…], "countries": [code…], "calls": bool, "events": bool}
    topics = models.JSONField(default=_topics_default, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class SubscriberState(models.TextChoices):
    ACTIVE = "active", _("Active")
    # The mail server refused the address: no further issue is sent until they subscribe again.
    BOUNCED = "bounced", _("Bounced")


class Subscriber(models.Model):
    """A confirmed address. Unsubscribing deletes the row (no address is kept)."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    language = models.CharField(_("language"), max_length=8)
    ecosystems = models.ManyToManyField(Ecosystem, related_name="+", blank=True)
    countries = models.JSONField(default=list, blank=True)
    calls = models.BooleanField(_("open calls"), default=False)
    events = models.BooleanField(_("events"), default=False)
    state = models.CharField(
        max_length=10, choices=SubscriberState.choices, default=SubscriberState.ACTIVE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscription",
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    bounced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        indexes = [models.Index(fields=["state", "id"], name="newsletter_sub_state")]

    def __str__(self) -> str:
        return self.email
