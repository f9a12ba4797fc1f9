from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
