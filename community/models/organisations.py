from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from community.models.languages import content_language_field
from community.models.moderation import Moderated, ModerationStatus
from community.models.taxonomy import Ecosystem, Tag


def organisation_path(slug: str) -> str:
    """A published profile's page (`Organisation.get_absolute_url`), from its slug alone."""
    return f"/organisations/{slug}/"


class OrganisationType(models.TextChoices):
    CLUSTER = "cluster", _("Cluster organisation")
    CLUSTER_MEMBER = "cluster_member", _("Cluster member organisation")
    CLUSTER_PROJECT = "cluster_project", _("Cluster project")
    NATIONAL_ASSOCIATION = "national_association", _("National cluster organisation / association")
    SUPPORT_BODY = "support_body", _("Support or policy body")
    THIRD_COUNTRY = "third_country", _("Third-country organisation")


class ExcellenceLabel(models.TextChoices):
    NONE = "", _("No label")
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")


class Organisation(Moderated):
    """A cluster profile. Hidden from the public until staff publish it."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    type = models.CharField(
        _("type"), max_length=30, choices=OrganisationType.choices, db_index=True
    )
    logo = models.ImageField(_("logo"), upload_to="logos/%Y/%m/", blank=True)
    # The markdown subset as typed; shown through community.richtext.render_markdown.
    description = models.TextField(_("description"), blank=True)
    language = content_language_field()
    website = models.URLField(_("website"), max_length=300, blank=True)
    country = CountryField(_("country"), db_index=True)
    # NUTS-2 code such as "ES51"; its first two letters are the country's NUTS code.
    nuts2 = models.CharField(_("NUTS-2 region"), max_length=4, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    ecosystems = models.ManyToManyField(
        Ecosystem, related_name="organisations", blank=True, verbose_name=_("ecosystems")
    )
    primary_ecosystem = models.ForeignKey(
        Ecosystem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_organisations",
        verbose_name=_("primary ecosystem"),
    )
    tags = models.ManyToManyField(Tag, related_name="organisations", blank=True)
    members_sme = models.PositiveIntegerField(_("SME members"), default=0)
    members_large = models.PositiveIntegerField(_("large company members"), default=0)
    members_research = models.PositiveIntegerField(_("research members"), default=0)
    members_public = models.PositiveIntegerField(_("public body members"), default=0)
    members_civil = models.PositiveIntegerField(_("civil society members"), default=0)
    # Denormalised sum of the five member counts, kept by the services; filters use it.
    members_total = models.PositiveIntegerField(_("members"), default=0, db_index=True)
    management_fte = models.DecimalField(
        _("cluster management staff (FTE)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    label = models.CharField(
        _("excellence label"),
        max_length=10,
        choices=ExcellenceLabel.choices,
        blank=True,
        default=ExcellenceLabel.NONE,
        db_index=True,
    )
    label_valid_until = models.DateField(_("label valid until"), null=True, blank=True)
    # Name of the regional or national support programme; waives the ECCP checklist.
    support_programme = models.CharField(_("support programme"), max_length=200, blank=True)
    cooperation_interests = models.TextField(_("cooperation interests"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # Denormalised plain text for full-text search (community.search), kept by the services.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "country"], name="org_status_country"),
            models.Index(fields=["status", "name"], name="org_status_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return organisation_path(self.slug)

    @property
    def member_type_count(self) -> int:
        counts = [
            self.members_sme + self.members_large,  # industry
            self.members_research,
            self.members_public,
            self.members_civil,
        ]
        return sum(1 for c in counts if c > 0)

    @property
    def label_is_valid(self) -> bool:
        if not self.label:
            return False
        return self.label_valid_until is None or self.label_valid_until >= timezone.localdate()


class OrganisationRole(models.TextChoices):
    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")
    MEMBER = "member", _("Member")


class OrganisationMembership(models.Model):
    """A person belongs to an organisation with a role."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=OrganisationRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation_id", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class OrganisationInvitation(models.Model):
    """An admin's invitation of a colleague by email. Only a hash of the token is kept."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=10, choices=OrganisationRole.choices, default=OrganisationRole.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


__all__ = [
    "ExcellenceLabel",
    "ModerationStatus",
    "Organisation",
    "OrganisationInvitation",
    "OrganisationMembership",
    "OrganisationRole",
    "OrganisationType",
]
