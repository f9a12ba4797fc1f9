"""Country pages: a country's cluster policy as staff write it, beside what the directory,
the partnerships, the events and the open calls already say about the country.

A page exists for every ISO 3166 country, stored or not: `CountryPage` holds only what staff
wrote (the overview, the strategic mark, the structured rows); the rest is read from the
other domains at each request (hub.selectors.countries). Which group a country is in (EU
member state, other European country, third country) is a fact of the code, not an edit; a
third country of strategic interest is marked by staff (`strategic`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from community.models.languages import content_language_field

# The 27 member states of the European Union.
EU_MEMBER_STATES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})  # fmt: skip
# European countries outside the Union (EEA, candidates, neighbours, microstates).
OTHER_EUROPEAN = frozenset({
    "AD", "AL", "AM", "AZ", "BA", "BY", "CH", "FO", "GB", "GE", "GI", "IS", "LI", "MC",
    "MD", "ME", "MK", "NO", "RS", "RU", "SM", "TR", "UA", "VA",
})  # fmt: skip


class CountryGroup(models.TextChoices):
    EU = "eu", _("EU member states")
    EUROPE = "europe", _("Other European countries")
    THIRD = "third", _("Third countries")


def country_group(code: str) -> str:
    code = code.upper()
    if code in EU_MEMBER_STATES:
        return CountryGroup.EU
    if code in OTHER_EUROPEAN:
        return CountryGroup.EUROPE
    return CountryGroup.THIRD


class CountryPage(models.Model):
    """What staff wrote about one country's cluster policy."""

    country = CountryField(_("country"), unique=True)
    strategic = models.BooleanField(
        _("third country of strategic interest"),
        default=False,
        help_text=_("Marked on the country list, with its cooperation opportunities."),
    )
    overview = models.TextField(_("policy overview"), blank=True)  # markdown subset
    language = content_language_field()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["country"]
        verbose_name = _("country page")
        verbose_name_plural = _("country pages")

    def __str__(self) -> str:
        return str(self.country.name)

    def get_absolute_url(self) -> str:
        return f"/countries/{str(self.country.code).lower()}/"


class CountryItemKind(models.TextChoices):
    PROGRAMME = "programme", _("Cluster programme")
    SUPPORT = "support", _("Support measure")
    CONTACT = "contact", _("Contact")
    COOPERATION = "cooperation", _("Cooperation opportunity")


class CountryPageItem(models.Model):
    """One row of a country page: a programme, a support measure, a contact (a role or an
    office, never a private person) or a cooperation opportunity."""

    page = models.ForeignKey(CountryPage, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=CountryItemKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)  # markdown subset
    # An http(s) address or a mailto: link (checked by hub.services.countries).
    link = models.CharField(_("link"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["page_id", "position", "id"]
        verbose_name = _("country page row")
        verbose_name_plural = _("country page rows")

    def __str__(self) -> str:
        return self.name
