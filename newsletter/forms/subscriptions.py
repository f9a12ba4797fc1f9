from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.models import Ecosystem
from newsletter.services.subscriptions import Topics


class TopicsForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=())
    ecosystems = forms.MultipleChoiceField(
        label=_("Industrial ecosystems"), required=False, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    calls = forms.BooleanField(label=_("Open calls"), required=False)
    events = forms.BooleanField(label=_("Events"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["language"].choices = [(c, n) for c, n in settings.LANGUAGES]
        fields["ecosystems"].choices = [(e.slug, e.label) for e in Ecosystem.objects.all()]
        fields["countries"].choices = list(countries)

    def topics(self) -> Topics:
        data = self.cleaned_data
        return Topics(
            ecosystems=list(data["ecosystems"]),
            countries=list(data["countries"]),
            calls=data["calls"],
            events=data["events"],
        )


class SubscribeForm(TopicsForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    field_order = ["email", "language", "ecosystems", "countries", "calls", "events"]
