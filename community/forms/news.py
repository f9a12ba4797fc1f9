"""Forms of the news pages. They validate input; community/services/news.py writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.forms.languages import text_language_field
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.images import IMAGE_ACCEPT, validate_image
from community.models import Ecosystem, Organisation
from community.models.moderation import REASON_MAX_LENGTH
from community.selectors.news import news_postable_organisations
from community.services.accounts import language_for


class ErrorsDescribedMixin:
    """Ties each field's errors to its input (aria-describedby), next to its help text."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        form: Any = self
        for name in form.errors:
            if name not in form.fields:
                continue
            bound = form[name]
            ids = [f"{bound.auto_id}-errors"]
            if form.fields[name].help_text:
                ids.append(f"{bound.auto_id}_helptext")
            form.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


class NewsForm(ErrorsDescribedMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences shown in lists and the feed (500 characters at most)."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=100_000,
        widget=MarkdownTextarea(attrs={"rows": 12}),
        help_text=RICH_TEXT_HELP,
    )
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=None,
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Ecosystems"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown ecosystem “%(value)s”.")},
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = text_language_field()
    # A FileField, not an ImageField: the uploaded name (and its extension) plays no part,
    # the content decides and the service stores a re-encoded copy under a name of its own.
    image = forms.FileField(
        label=_("Image"),
        required=False,
        validators=[validate_image],
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("PNG, JPEG, GIF or WebP, 2 MB at most."),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)

    def __init__(self, *args: Any, user: Any, has_image: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = news_postable_organisations(user)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        if user.is_staff:
            field.queryset = Organisation.objects.filter(status="published").order_by("name")
            field.required = False
            field.empty_label = _("ClusterHub (staff news)")
        else:
            field.queryset = organisations
        # A new item is taken to be in its author's language until they say otherwise.
        self.fields["language"].initial = language_for(user, fallback=translation.get_language())
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("— any / Europe-wide —")), *countries]
        if not has_image:
            del self.fields["remove_image"]

    def clean_image(self) -> UploadedFile | None:
        return self.cleaned_data.get("image") or None


class NewsRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the author"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
