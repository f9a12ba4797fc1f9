"""Forms of the ClusterXchange listing pages. They validate input; services.listings writes."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.forms.languages import text_language_field
from community.forms.news import ErrorsDescribedMixin
from community.forms.pickers import CheckboxPicker
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.models import Ecosystem, Organisation
from community.services.accounts import language_for
from messaging.models import ListingCategory, ListingKind
from messaging.selectors.listings import listing_postable_organisations


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ListingForm(ErrorsDescribedMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=None,
    )
    kind = forms.ChoiceField(
        label=_("This is"), choices=ListingKind.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("— choose —")), *ListingCategory.choices]
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=20_000,
        widget=MarkdownTextarea(attrs={"rows": 10}),
        help_text=format_lazy(
            "{} {}", _("What you offer or look for, and for whom."), RICH_TEXT_HELP
        ),
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Ecosystems"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown ecosystem “%(value)s”.")},
    )
    target_countries = forms.MultipleChoiceField(
        label=_("Target countries"),
        required=False,
        widget=CheckboxPicker(),
        help_text=_("Where you look for partners. Leave empty for any country."),
    )
    language = text_language_field()
    valid_until = forms.DateField(
        label=_("Open until"),
        required=False,
        widget=DateInput(),
        help_text=_("Last day the listing takes expressions of interest. Leave empty for no end."),
    )

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organisation"]
        else:
            field = self.fields["organisation"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = listing_postable_organisations(user)
        # A new listing is taken to be in its author's language until they say otherwise.
        self.fields["language"].initial = language_for(user, fallback=translation.get_language())
        countries_field = self.fields["target_countries"]
        assert isinstance(countries_field, forms.MultipleChoiceField)
        countries_field.choices = list(countries)
        valid_until = self.fields["valid_until"]
        valid_until.widget.attrs["min"] = timezone.localdate().isoformat()


class InterestForm(ErrorsDescribedMixin, forms.Form):
    message = forms.CharField(
        label=_("Your message to the organisation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Say who you are and why this listing interests you. It starts a private "
            "conversation with the organisation's contacts."
        ),
    )
    # A retried or double-clicked submit of the same form opens the conversation once.
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("client_id", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class ListingFilterForm(ErrorsDescribedMixin, forms.Form):
    """The browser's filters, rendered as selects. The values are validated once, by
    messaging.selectors.listings.listing_search_params, whose errors the view adds here."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.CharField(label=_("Offers or demands"), required=False)
    category = forms.CharField(label=_("Category"), required=False)
    ecosystem = forms.CharField(label=_("Ecosystem"), required=False)
    country = forms.CharField(label=_("Organisation's country"), required=False)
    target_country = forms.CharField(
        label=_("Looking for partners in"),
        required=False,
        help_text=_("Listings open to any country are included."),
    )
    sort = forms.CharField(label=_("Sort by"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("e.g. hydrogen, robotics")}
        )
        choices: dict[str, list[tuple[str, Any]]] = {
            "kind": [("", _("Offers and demands")), *ListingKind.choices],
            "category": [("", _("All categories")), *ListingCategory.choices],
            "ecosystem": [
                ("", _("All ecosystems")),
                *((e.slug, e.label) for e in Ecosystem.objects.all()),
            ],
            "country": [("", _("Any country")), *countries],
            "target_country": [("", _("Any country")), *countries],
            "sort": [("newest", _("Newest first")), ("valid_until", _("Closing soonest"))],
        }
        for name, options in choices.items():
            self.fields[name].widget = forms.Select(choices=options)
