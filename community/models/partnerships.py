from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models.languages import content_language_field
from community.models.organisations import Organisation
from community.models.taxonomy import Ecosystem


class PartnershipKind(models.TextChoices):
    ESCP_4X = "escp_4x", _("European Strategic Cluster Partnership for Excellence (ESCP-4x)")
    ESCP_4I = (
        "escp_4i",
        _("European Strategic Cluster Partnership for Going International (ESCP-4i)"),
    )
    ESCP_S3 = "escp_s3", _("European Strategic Cluster Partnership for Smart Specialisation")
    EUROCLUSTER = "eurocluster", _("Eurocluster")


class Partnership(models.Model):
    """A European Cluster Partnership or a Eurocluster: organisations working together."""

    kind = models.CharField(_("type"), max_length=20, choices=PartnershipKind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    # The markdown subset (community.richtext).
    description = models.TextField(_("description"), blank=True)
    language = content_language_field()
    website = models.URLField(_("website"), blank=True)
    coordinator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="coordinated_partnerships",
        verbose_name=_("coordinator"),
    )
    members: models.ManyToManyField[Organisation, PartnershipMembership] = models.ManyToManyField(
        Organisation,
        through="PartnershipMembership",
        related_name="partnerships",
        verbose_name=_("member organisations"),
    )
    ecosystems = models.ManyToManyField(Ecosystem, related_name="partnerships", blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="partnership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/partnerships/{self.slug}/"


class PartnershipMembership(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnership_memberships"
    )
    joined_at = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="partnership_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"
