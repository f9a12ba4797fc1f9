"""Forms of the participant pages. They validate input; matchmaking/services/ writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.models import Ecosystem, OrganisationType
from matchmaking.models import Participant
from matchmaking.services.participants import listings_attachable_by


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    ecosystem = forms.ModelChoiceField(
        label=_("Ecosystem"),
        required=False,
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        empty_label=_("All ecosystems"),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    organisation_type = forms.ChoiceField(label=_("Organisation type"), required=False)
    offers = forms.CharField(label=_("Offers"), required=False, max_length=200)
    looking_for = forms.CharField(label=_("Looks for"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        kind = self.fields["organisation_type"]
        assert isinstance(country, forms.ChoiceField)
        assert isinstance(kind, forms.ChoiceField)
        country.choices = [("", _("All countries")), *list(countries)]
        kind.choices = [("", _("All types")), *OrganisationType.choices]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "ecosystem": data["ecosystem"].slug if data.get("ecosystem") else "",
            "country": data.get("country") or "",
            "organisation_type": data.get("organisation_type") or "",
            "offers": data.get("offers") or "",
            "looking_for": data.get("looking_for") or "",
        }


class ParticipantForm(forms.Form):
    headline = forms.CharField(
        label=_("Headline"),
        required=False,
        max_length=200,
        help_text=_("One line others see first, e.g. what you come to the event for."),
    )
    offer = forms.CharField(
        label=_("What we offer"), required=False, max_length=5000, widget=forms.Textarea
    )
    looking_for = forms.CharField(
        label=_("What we look for"), required=False, max_length=5000, widget=forms.Textarea
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Ecosystems"),
        required=False,
        queryset=Ecosystem.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    listings = forms.ModelMultipleChoiceField(
        label=_("ClusterXchange listings"),
        required=False,
        queryset=Ecosystem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Open offers and demands of the organisations you belong to."),
    )

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "headline": participant.headline,
                "offer": participant.offer,
                "looking_for": participant.looking_for,
                "ecosystems": list(participant.ecosystems.all()),
                "listings": list(participant.listings.all()),
            },
        )
        super().__init__(*args, **kwargs)
        listings = self.fields["listings"]
        assert isinstance(listings, forms.ModelMultipleChoiceField)
        listings.queryset = listings_attachable_by(participant.user).order_by("title")
