"""The In focus page editor's form (staff). hub/services/focus.py writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms.languages import text_language_field
from community.forms.news import ErrorsDescribedMixin
from community.forms.pickers import CheckboxPicker
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.models import Ecosystem, Tag
from hub.models import FocusKind, FocusPage


class FocusPageForm(ErrorsDescribedMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of page"), choices=FocusKind.choices)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        help_text=_("One sentence shown on the list of pages."),
    )
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=50_000,
        widget=MarkdownTextarea(attrs={"rows": 10}),
        help_text=RICH_TEXT_HELP,
    )
    language = text_language_field()
    ecosystems = forms.MultipleChoiceField(
        label=_("Ecosystems"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("News, calls, events and organisations in these ecosystems are gathered."),
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        required=False,
        widget=CheckboxPicker,
        help_text=_("Organisations with one of these sector or technology tags are gathered too."),
    )
    position = forms.IntegerField(
        label=_("Position in the list"), min_value=0, max_value=32767, initial=0
    )
    published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        ecosystems = self.fields["ecosystems"]
        assert isinstance(ecosystems, forms.MultipleChoiceField)
        ecosystems.choices = [(e.slug, e.label) for e in Ecosystem.objects.all()]
        tags = self.fields["tags"]
        assert isinstance(tags, forms.MultipleChoiceField)
        names: dict[str, str] = {t.slug: t.name for t in Tag.objects.all()}
        choices: list[tuple[str, str]] = sorted(names.items(), key=lambda pair: pair[1].lower())
        tags.choices = choices


def focus_initial(page: FocusPage) -> dict[str, Any]:
    return {
        "title": page.title,
        "kind": page.kind,
        "summary": page.summary,
        "intro": page.intro,
        "language": page.language,
        "ecosystems": [e.slug for e in page.ecosystems.all()],
        "tags": [t.slug for t in page.tags.all()],
        "position": page.position,
        "published": page.published,
    }
