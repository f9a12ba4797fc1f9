"""Forms of the organisation pages. They parse input; the services decide and write."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from community.forms.languages import text_language_field
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.images import IMAGE_ACCEPT, validate_image
from community.models import Ecosystem, Organisation, OrganisationRole, TagKind
from community.places import place_search
from community.services.accounts import language_for
from community.services.organisations import (
    DESCRIPTION_MAX_LENGTH,
    INTERESTS_MAX_LENGTH,
)


def split_tags(value: str) -> list[str]:
    """ "Water, smart grids ,, AI" -> ["Water", "smart grids", "AI"]."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class LogoInput(forms.ClearableFileInput):
    """The current logo as a picture, a labelled "remove" checkbox, and the file input."""

    template_name = "community/organisations/widgets/logo_input.html"


class EcosystemChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "invalid_choice": _("Unknown ecosystem: %(value)s. Choose from the list."),
    }


class OrganisationForm(forms.ModelForm):
    """Create and edit a profile. `save()` is not used: views pass `profile_data()` to a service."""

    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        validators=[validate_image],
        widget=LogoInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB."),
    )
    language = text_language_field()
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("Preferably in English."),
    )
    ecosystems = EcosystemChoiceField(
        label=_("Industrial ecosystems"),
        queryset=Ecosystem.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select every ecosystem you work in."),
    )
    primary_ecosystem = forms.ModelChoiceField(
        label=_("Primary ecosystem"),
        queryset=Ecosystem.objects.all(),
        required=False,
        empty_label=_("— choose one of the selected ecosystems —"),
        error_messages={"invalid_choice": _("Unknown ecosystem. Choose from the list.")},
    )
    # The square part of a new logo to keep ("x,y,w,h" fractions), set by js/logo-crop.js;
    # empty without JavaScript: the whole image is kept.
    logo_crop = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    sector_tags = forms.CharField(
        label=_("Sectors"),
        required=False,
        max_length=1000,
        help_text=_("Comma-separated, e.g. water, smart grids, food processing."),
    )
    technology_tags = forms.CharField(
        label=_("Technologies"),
        required=False,
        max_length=1000,
        help_text=_("Comma-separated, e.g. artificial intelligence, robotics."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "type",
            "logo",
            "description",
            "language",
            "website",
            "country",
            "nuts2",
            "city",
            "latitude",
            "longitude",
            "year_founded",
            "ecosystems",
            "primary_ecosystem",
            "members_sme",
            "members_large",
            "members_research",
            "members_public",
            "members_civil",
            "management_fte",
            "support_programme",
            "cooperation_interests",
            "contact_name",
            "contact_email",
            "contact_phone",
            "label",
            "label_valid_until",
        ]
        widgets = {
            "description": MarkdownTextarea(attrs={"maxlength": DESCRIPTION_MAX_LENGTH}),
            "cooperation_interests": forms.Textarea(
                attrs={"rows": 4, "maxlength": INTERESTS_MAX_LENGTH}
            ),
            "label_valid_until": forms.DateInput(attrs={"type": "date"}),
            # Set by the map (js/location-picker.js) or, without it, from the city.
            "latitude": forms.HiddenInput(),
            "longitude": forms.HiddenInput(),
        }
        help_texts = {
            "description": RICH_TEXT_HELP,
            "nuts2": _("A NUTS-2 code such as ES51 (optional)."),
            "support_programme": _(
                "If the cluster is in a regional or national support programme, name it: "
                "the validation checklist is then waived."
            ),
            "city": _(
                "The map pin is placed on this city unless you place it yourself on the map."
            ),
        }

    # Grouping for the template: (legend, field names).
    SECTIONS = [
        (_("Identity"), ["name", "acronym", "type", "logo", "description", "language", "website"]),
        (
            _("Location"),
            ["country", "nuts2", "city", "year_founded"],
        ),
        (
            _("Ecosystems and tags"),
            ["ecosystems", "primary_ecosystem", "sector_tags", "technology_tags"],
        ),
        (
            _("Members and staff"),
            [
                "members_sme",
                "members_large",
                "members_research",
                "members_public",
                "members_civil",
                "management_fte",
                "support_programme",
            ],
        ),
        (
            _("Cooperation and contact"),
            ["cooperation_interests", "contact_name", "contact_email", "contact_phone"],
        ),
        (_("Excellence label (staff only)"), ["label", "label_valid_until"]),
    ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        instance = kwargs.get("instance")
        if instance is not None:
            # The ModelForm writes cleaned values onto its instance while validating; a copy
            # keeps the stored object (shown around the form) untouched by rejected input.
            kwargs["instance"] = copy.copy(instance)
            initial = kwargs.setdefault("initial", {})
            tags = list(instance.tags.all())
            for kind, key in (
                (TagKind.SECTOR, "sector_tags"),
                (TagKind.TECHNOLOGY, "technology_tags"),
            ):
                initial.setdefault(key, ", ".join(t.name for t in tags if t.kind == kind))
        super().__init__(*args, **kwargs)
        if not self.initial.get("language"):
            # Taken to be in the author's language until they say otherwise.
            self.initial["language"] = language_for(user, fallback=translation.get_language())
        self.is_staff = bool(getattr(user, "is_staff", False))
        self.fields["description"].validators.append(MaxLengthValidator(DESCRIPTION_MAX_LENGTH))
        self.fields["cooperation_interests"].validators.append(
            MaxLengthValidator(INTERESTS_MAX_LENGTH)
        )
        if not self.is_staff:
            del self.fields["label"]
            del self.fields["label_valid_until"]

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(legend), [self[name] for name in names if name in self.fields])
            for legend, names in self.SECTIONS
            if any(name in self.fields for name in names)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._locate_from_city(cleaned)
        primary = cleaned.get("primary_ecosystem")
        selected = cleaned.get("ecosystems")
        if primary is not None and selected is not None and primary not in selected:
            self.add_error(
                "primary_ecosystem",
                _("The primary ecosystem must be one of the selected ecosystems."),
            )
        return cleaned

    def _locate_from_city(self, cleaned: dict[str, Any]) -> None:
        """Pin the city when no pin was placed: the pin is missing, or the city or country
        changed while the pin stayed where it was (no JavaScript, or the map not used)."""
        city = (cleaned.get("city") or "").strip()
        country = str(cleaned.get("country") or "")
        if not city or "latitude" in self.errors or "longitude" in self.errors:
            return
        point = (cleaned.get("latitude"), cleaned.get("longitude"))
        before = (self.initial.get("latitude"), self.initial.get("longitude"))
        place_before = (self.initial.get("city") or "", str(self.initial.get("country") or ""))
        unpinned = None in point
        moved_away = point == before and (city, country) != place_before
        if not (unpinned or moved_away):
            return
        found = place_search(city, country=country, limit=1)
        if found:
            cleaned["latitude"] = round(found[0]["latitude"], 5)
            cleaned["longitude"] = round(found[0]["longitude"], 5)

    def profile_data(self) -> dict[str, Any]:
        """The cleaned data in the shape the services take."""
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in ("sector_tags", "technology_tags", "logo")
        }
        if not data.get("language"):
            data.pop("language", None)  # left out: the stored one, or the author's
        data["sector_tags"] = split_tags(self.cleaned_data.get("sector_tags", ""))
        data["technology_tags"] = split_tags(self.cleaned_data.get("technology_tags", ""))
        logo = self.cleaned_data.get("logo")
        if logo is False or logo:
            data["logo"] = logo
        else:
            data.pop("logo_crop", None)
        return data


class NoColonForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class InvitationForm(NoColonForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=OrganisationRole.choices, initial=OrganisationRole.MEMBER
    )


class RoleForm(NoColonForm):
    role = forms.ChoiceField(label=_("Role"), choices=OrganisationRole.choices)
