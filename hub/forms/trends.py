"""Forms of the trend pages. They validate input; hub/services/trends.py writes."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from community.forms.languages import text_language_field
from community.forms.news import ErrorsDescribedMixin
from community.forms.pickers import CheckboxPicker
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.models import Ecosystem, Tag
from community.services.accounts import language_for
from hub.models import IMPACT_MAX, Horizon, Trend, TrendScore

_KEYWORD_SPLIT = re.compile(r"[\n,;]+")


def split_keywords(text: str) -> list[str]:
    return [word.strip() for word in _KEYWORD_SPLIT.split(text or "") if word.strip()]


def score_field_name(ecosystem: str, horizon: str) -> str:
    return f"score__{ecosystem}__{horizon}"


class TrendForm(ErrorsDescribedMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One sentence shown in the chart's details and in lists."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=50_000,
        widget=MarkdownTextarea(attrs={"rows": 10}),
        help_text=RICH_TEXT_HELP,
    )
    language = text_language_field()
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line or separated by commas, in any language (accents and case do not "
            "matter). News and profiles containing one of them are shown with the trend: "
            "prefer precise phrases such as “green hydrogen” to short words."
        ),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.order_by("name"),
        required=False,
        widget=CheckboxPicker,
        help_text=_("Profiles with one of these tags are shown with the trend."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language_for(user, fallback=translation.get_language())
        written = (self.data.get("language") if self.is_bound else None) or self.initial.get(
            "language"
        )
        if written:
            for name in ("title", "summary", "description"):
                self.fields[name].widget.attrs["lang"] = written
        self.ecosystems = list(Ecosystem.objects.order_by("position"))
        choices = [("", _("not scored")), *[(str(n), str(n)) for n in range(IMPACT_MAX + 1)]]
        for ecosystem in self.ecosystems:
            for horizon, _label in Horizon.choices:
                self.fields[score_field_name(ecosystem.slug, horizon)] = forms.TypedChoiceField(
                    label=ecosystem.label,
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )

    def main_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in ("title", "summary", "description", "language", "keywords", "tags")
        ]

    def score_rows(self) -> list[tuple[Ecosystem, list[forms.BoundField]]]:
        """For the scores table: each ecosystem with its three horizon fields."""
        return [
            (e, [self[score_field_name(e.slug, h)] for h in Horizon.values])
            for e in self.ecosystems
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "description": data["description"],
            "language": data.get("language") or "",
            "keywords": split_keywords(data["keywords"]),
            "tags": list(data["tags"]),
        }

    def scores(self) -> dict[tuple[str, str], int | None]:
        return {
            (e.slug, h): self.cleaned_data.get(score_field_name(e.slug, h))
            for e in self.ecosystems
            for h in Horizon.values
        }


def trend_initial(trend: Trend) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": trend.title,
        "summary": trend.summary,
        "description": trend.description,
        "language": trend.language,
        "keywords": "\n".join(trend.keywords),
        "tags": list(trend.tags.all()),
    }
    for score in TrendScore.objects.filter(trend=trend):
        initial[score_field_name(score.ecosystem_id, score.horizon)] = str(score.impact)
    return initial


class TrendEngagementForm(forms.Form):
    organisation = forms.SlugField(max_length=220)
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])
