from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The longest reason a moderator may give to publish, reject or delete anything (profiles,
# news, calls, library documents, events): one limit, so the shared queue's form, the apps'
# own forms and API, and the services agree (the services cut at it, the forms refuse more).
REASON_MAX_LENGTH = 5_000


class ModerationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class Moderated(models.Model):
    """What staff moderation needs on anything the community publishes."""

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ModerationStatus.choices,
        default=ModerationStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == ModerationStatus.PUBLISHED


class ModerationDecision(models.TextChoices):
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class ModerationLogEntry(models.Model):
    """One staff decision on an organisation profile or a news item: what, who, when, why.

    Exactly one of `organisation` and `news_item` is set.

    `failed_checks` lists the ECCP checklist items the profile did not meet when it was
    published anyway (`[{"key", "detail"}]`, keys of community.selectors.organisations
    CHECKLIST_LABELS); `reason` is then the moderator's reason, for a rejection the reason
    sent to the profile's admins. Staff read it on /moderation/log/.
    """

    organisation = models.ForeignKey(
        "community.Organisation",
        on_delete=models.CASCADE,
        related_name="moderation_log",
        null=True,
        blank=True,
    )
    news_item = models.ForeignKey(
        "community.NewsItem",
        on_delete=models.CASCADE,
        related_name="moderation_log",
        null=True,
        blank=True,
        verbose_name=_("news item"),
    )
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
    failed_checks = models.JSONField(_("checklist items not met"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, news_item__isnull=True)
                | models.Q(organisation__isnull=True, news_item__isnull=False),
                name="moderation_log_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.organisation_id or self.news_item_id}"

    @property
    def subject(self) -> models.Model | None:
        """The profile or news item decided on."""
        return self.organisation or self.news_item
