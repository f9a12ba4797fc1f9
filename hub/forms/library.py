"""Forms of the library pages. They validate input; hub/services/library.py writes (and judges
the PDF from its bytes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.forms.languages import text_language_field
from community.forms.news import ErrorsDescribedMixin
from community.forms.pickers import CheckboxPicker
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.models import Ecosystem
from community.models.moderation import REASON_MAX_LENGTH
from community.services.accounts import language_for
from hub.models import LibraryItem, LibraryItemType


class LibraryItemForm(ErrorsDescribedMixin, forms.Form):
    item_type = forms.ChoiceField(label=_("Type of document"), choices=LibraryItemType.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    abstract = forms.CharField(
        label=_("Abstract"),
        required=False,
        max_length=50_000,
        widget=MarkdownTextarea(attrs={"rows": 8}),
        help_text=RICH_TEXT_HELP,
    )
    authors = forms.CharField(
        label=_("Authors"),
        max_length=500,
        required=False,
        help_text=_("Names of people or organisations, separated by commas."),
    )
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Year of publication"), required=False, min_value=1950)
    language = text_language_field()
    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Where the document can be read online (http or https)."),
    )
    file = forms.FileField(
        label=_("PDF file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("A PDF document, 20 MB at most. Give a link, a PDF, or both."),
    )
    remove_file = forms.BooleanField(label=_("Remove the current PDF"), required=False)
    tags = forms.CharField(
        label=_("Tags"),
        max_length=1000,
        required=False,
        help_text=_("Keywords separated by commas, such as hydrogen, internationalisation."),
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Ecosystems"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown ecosystem “%(value)s”.")},
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=CheckboxPicker,
        help_text=_("The countries the document is about; leave empty for Europe as a whole."),
    )

    def __init__(self, *args: Any, user: Any, has_file: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.IntegerField)
        year.max_value = timezone.now().year + 1
        year.widget.attrs["max"] = year.max_value
        self.fields["language"].initial = language_for(user, fallback=translation.get_language())
        written = (self.data.get("language") if self.is_bound else None) or self.initial.get(
            "language"
        )
        if written:
            for name in ("title", "abstract"):
                self.fields[name].widget.attrs["lang"] = written
        country = self.fields["countries"]
        assert isinstance(country, forms.MultipleChoiceField)
        country.choices = list(countries)
        if not has_file:
            del self.fields["remove_file"]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["file"] = data.get("file") or None
        data.pop("remove_file", None)
        return data


def item_initial(item: LibraryItem) -> dict[str, Any]:
    return {
        "item_type": item.item_type,
        "title": item.title,
        "abstract": item.abstract,
        "authors": item.authors,
        "publisher": item.publisher,
        "year": item.year,
        "language": item.language,
        "url": item.url,
        "tags": ", ".join(item.tags or []),
        "ecosystems": [e.slug for e in item.ecosystems.all()],
        "countries": [c.code for c in item.countries],
    }


class LibraryRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the suggester"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
