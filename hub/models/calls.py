"""Open calls: funding opportunities, tenders and calls for partners, posted by the community
and moderated like news.

A call is open while its deadline is in the future and closed afterwards: that is derived from
`deadline` in every query (hub.selectors.calls.call_open_q), never stored, so no job has to run
for a call to leave the open list. `deadline` is stored in UTC; `time_zone` is the one the call
was entered in (its official deadline is stated in it) and in which it is shown beside the
viewer's own.

The budget is an optional amount with its ISO 4217 currency, plus an optional free-text note
("up to EUR 60,000 per project", "lump sum") for what one number cannot say
(docs/decisions.md, "Open calls").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from community.models import Ecosystem, ModerationDecision, Organisation
from community.models.languages import content_language_field
from community.models.moderation import Moderated


class CallKind(models.TextChoices):
    FUNDING = "funding", _("Funding opportunity")
    TENDER = "tender", _("Tender")
    PARTNERS = "partners", _("Call for partners")


class Call(Moderated):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CallKind.choices)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("description"), blank=True)  # markdown subset (community.richtext)
    language = content_language_field()
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    budget_amount = models.DecimalField(
        _("budget"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    budget_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    budget_note = models.CharField(_("budget note"), max_length=200, blank=True)
    eligible_countries = CountryField(_("eligible countries"), multiple=True, blank=True)
    ecosystems = models.ManyToManyField(Ecosystem, related_name="calls", blank=True)
    official_url = models.URLField(_("official page"), max_length=500)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="calls"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("open call")
        verbose_name_plural = _("open calls")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/calls/{self.slug}/"

    @property
    def is_open(self) -> bool:
        return self.deadline > timezone.now()


class CallModerationDecision(models.TextChoices):
    """The decisions of community.models.ModerationDecision, plus staff deleting someone
    else's call (hub.services.calls.call_delete)."""

    PUBLISHED = ModerationDecision.PUBLISHED.value, ModerationDecision.PUBLISHED.label
    REJECTED = ModerationDecision.REJECTED.value, ModerationDecision.REJECTED.label
    DELETED = "deleted", _("Deleted")


class CallModerationLogEntry(models.Model):
    """One staff decision on a call: what, who, when, why (the reason sent on rejection).

    The log outlives the call: when a call is deleted its entries stay, with `call` cleared
    and `call_title` (written with every entry) saying which call they were about.
    """

    call = models.ForeignKey(
        Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_log"
    )
    call_title = models.CharField(_("open call"), max_length=200, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=CallModerationDecision.choices
    )
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
        verbose_name = _("call moderation log entry")
        verbose_name_plural = _("call moderation log")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.call_title or self.call_id}"


class CallFollow(models.Model):
    """A person follows a call: they are reminded before its deadline."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="call_follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.call_id}"


class CallReminderKind(models.TextChoices):
    WEEK = "7d", _("A week before the deadline")
    DAY = "1d", _("A day before the deadline")


class CallReminderSent(models.Model):
    """A follower was sent this reminder for this deadline (written in the transaction that
    notifies them, so a restarted worker neither loses nor repeats it). A moved deadline is
    reminded again."""

    follow = models.ForeignKey(CallFollow, on_delete=models.CASCADE, related_name="+")
    reminder = models.CharField(max_length=3, choices=CallReminderKind.choices)
    deadline = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follow", "reminder", "deadline"], name="call_reminder_sent_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reminder} reminder of follow {self.follow_id}"


class CallListing(models.Model):
    """A ClusterXchange listing tagged with a call ("find partners for this call"), and who
    tagged it. Held here: messaging knows nothing of calls."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="listing_tags")
    listing = models.ForeignKey(
        "messaging.Listing", on_delete=models.CASCADE, related_name="call_tags"
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "listing"], name="call_listing_unique"),
        ]

    def __str__(self) -> str:
        return f"listing {self.listing_id} for call {self.call_id}"
