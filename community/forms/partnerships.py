"""Forms of the partnership pages (staff). community/services/partnerships.py writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from community.forms.languages import text_language_field
from community.forms.news import ErrorsDescribedMixin
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.models import Ecosystem, Organisation, Partnership, PartnershipKind
from community.selectors.partnerships import partnership_candidate_organisations
from community.services.accounts import language_for


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PartnershipForm(ErrorsDescribedMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=PartnershipKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=50_000,
        widget=MarkdownTextarea(),
        help_text=RICH_TEXT_HELP,
    )
    language = text_language_field()
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"),
        queryset=Organisation.objects.only("slug", "name").order_by("name"),
        to_field_name="slug",
        help_text=_("The coordinator is always a member of the partnership."),
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Ecosystems"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.initial.get("language"):
            # Taken to be in the author's language until they say otherwise.
            self.initial["language"] = language_for(user, fallback=translation.get_language())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date",
                _("The end date (%(end)s) is before the start date (%(start)s).")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
        return data

    @staticmethod
    def initial_for(partnership: Partnership) -> dict[str, Any]:
        return {
            "kind": partnership.kind,
            "name": partnership.name,
            "acronym": partnership.acronym,
            "description": partnership.description,
            "language": partnership.language,
            "website": partnership.website,
            "coordinator": partnership.coordinator.slug,
            "ecosystems": [e.slug for e in partnership.ecosystems.all()],
            "start_date": partnership.start_date,
            "end_date": partnership.end_date,
        }


class PartnershipMemberForm(ErrorsDescribedMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Add a member organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose an organisation…"),
    )
    joined_at = forms.DateField(label=_("Joined on"), required=False, widget=DateInput())

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partnership_candidate_organisations(partnership)
