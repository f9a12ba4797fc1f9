"""Forms of the country page editor (staff). They validate input; hub/services/countries.py
writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.forms.languages import text_language_field
from community.forms.news import ErrorsDescribedMixin
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from hub.models import CountryItemKind, CountryPage
from hub.services.countries import link_clean

EXTRA_ROWS = 3


class CountryPageForm(ErrorsDescribedMixin, forms.Form):
    overview = forms.CharField(
        label=_("Cluster policy overview"),
        required=False,
        max_length=50_000,
        widget=MarkdownTextarea(attrs={"rows": 10}),
        help_text=RICH_TEXT_HELP,
    )
    language = text_language_field()
    strategic = forms.BooleanField(
        label=_("Third country of strategic interest"),
        required=False,
        help_text=_("Marked on the country list, with its cooperation opportunities."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CountryItemForm(forms.Form):
    # A blank first choice, so that a spare row left empty is not a changed row.
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *CountryItemKind.choices])
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few sentences (markdown)."),
    )
    link = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=500,
        help_text=_("A web address (https://…) or an e-mail link (mailto:…)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_link(self) -> str:
        try:
            return link_clean(self.cleaned_data.get("link") or "")
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None


CountryItemFormSet = forms.formset_factory(
    CountryItemForm, extra=EXTRA_ROWS, can_delete=True, max_num=60, validate_max=True
)


def country_items_initial(page: CountryPage | None) -> list[dict[str, Any]]:
    if page is None:
        return []
    return [
        {"kind": i.kind, "name": i.name, "description": i.description, "link": i.link}
        for i in page.items.all()
    ]


def country_items_cleaned(formset: Any) -> list[dict[str, Any]]:
    """The rows to keep, in the order shown (blank extra rows and deleted rows left out)."""
    return [
        {k: form.cleaned_data[k] for k in ("kind", "name", "description", "link")}
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
