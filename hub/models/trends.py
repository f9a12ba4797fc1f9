"""The trend universe: trends ("hydrogen valleys", "circular textiles") that staff score for
their impact on each industrial ecosystem over three horizons, and the organisations that
say they work on them.

A score is one (trend, ecosystem, horizon) triple with an impact from 0 (none) to 5
(transformative). A triple with no row is "not scored", which the chart and the table show
differently from 0 (docs/decisions.md, "Trend universe").

`keywords` are the words and phrases, in any of the site's languages, that gather the news
and organisations related to a trend (hub.selectors.trends, "What links to a trend").
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Ecosystem, Organisation, Tag
from community.models.languages import content_language_field

IMPACT_MAX = 5


class Horizon(models.TextChoices):
    SHORT = "short", _("Short term (under 3 years)")
    MEDIUM = "medium", _("Medium term (3 to 7 years)")
    LONG = "long", _("Long term (over 7 years)")


class Trend(models.Model):
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)  # markdown subset
    language = content_language_field()
    keywords = models.JSONField(
        _("keywords"),
        default=list,
        blank=True,
        help_text=_("Words and phrases, in any language, that find related news and profiles."),
    )
    tags = models.ManyToManyField(Tag, related_name="trends", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("trend")
        verbose_name_plural = _("trends")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/trends/{self.slug}/"


class TrendScore(models.Model):
    """Staff's estimate of a trend's impact on one ecosystem over one horizon."""

    trend = models.ForeignKey(Trend, on_delete=models.CASCADE, related_name="scores")
    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.CASCADE, related_name="+")
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon.choices)
    impact = models.PositiveSmallIntegerField(
        _("impact"), validators=[MaxValueValidator(IMPACT_MAX)]
    )

    class Meta:
        ordering = ["trend_id", "ecosystem__position", "horizon"]
        constraints = [
            models.UniqueConstraint(
                fields=["trend", "ecosystem", "horizon"], name="trend_score_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(impact__lte=IMPACT_MAX), name="trend_score_impact_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trend_id} {self.ecosystem_id} {self.horizon}: {self.impact}"


class TrendEngagement(models.Model):
    """An organisation says it works on a trend (added by one of its managers)."""

    trend = models.ForeignKey(Trend, on_delete=models.CASCADE, related_name="engagements")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="trend_engagements"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trend", "organisation"], name="trend_engagement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} works on {self.trend_id}"
