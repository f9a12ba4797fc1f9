"""Forms of the call pages. They validate input; hub/services/calls.py writes."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.forms.languages import text_language_field
from community.forms.news import ErrorsDescribedMixin
from community.forms.pickers import CheckboxPicker
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.models import Ecosystem, Organisation
from community.models.moderation import REASON_MAX_LENGTH
from community.services.accounts import language_for
from community.time_zones import LOCAL, LocalDateTimeInput, time_zone_names
from hub.models import Call, CallKind
from hub.selectors.calls import call_postable_organisations


class CallForm(ErrorsDescribedMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of call"), choices=CallKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences shown in lists (500 characters at most)."),
    )
    body = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=100_000,
        widget=MarkdownTextarea(attrs={"rows": 10}),
        help_text=RICH_TEXT_HELP,
    )
    language = text_language_field()
    programme = forms.CharField(
        label=_("Programme"),
        max_length=200,
        required=False,
        help_text=_("For example Horizon Europe, Interreg, a national programme."),
    )
    funder = forms.CharField(
        label=_("Funder or contracting authority"), max_length=200, required=False
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone of the deadline"),
        help_text=_("The deadline is in this time zone; visitors also see their own."),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"), input_formats=[LOCAL, "%Y-%m-%d %H:%M"], widget=LocalDateTimeInput()
    )
    budget_amount = forms.DecimalField(
        label=_("Budget"), required=False, min_value=0, max_digits=15, decimal_places=2
    )
    budget_currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        min_length=3,
        initial="EUR",
        help_text=_("For example EUR."),
    )
    budget_note = forms.CharField(
        label=_("About the budget"),
        max_length=200,
        required=False,
        help_text=_("What one number cannot say, such as “up to EUR 60,000 per project”."),
    )
    official_url = forms.URLField(
        label=_("Official page"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The funder's page of the call (http or https)."),
    )
    eligible_countries = forms.MultipleChoiceField(
        label=_("Eligible countries"),
        required=False,
        widget=CheckboxPicker,
        help_text=_("Leave empty when every country is eligible."),
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Ecosystems"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown ecosystem “%(value)s”.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=None,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        if user.is_staff:
            field.queryset = Organisation.objects.filter(status="published").order_by("name")
            field.required = False
            field.empty_label = _("ClusterHub (staff call)")
        else:
            field.queryset = call_postable_organisations(user)
        self.fields["language"].initial = language_for(user, fallback=translation.get_language())
        # The text people wrote carries its language (screen readers, spell checking, and
        # the markdown editor copies it), whatever the language of the page around it.
        written = (self.data.get("language") if self.is_bound else None) or self.initial.get(
            "language"
        )
        if written:
            for name in ("title", "summary", "body"):
                self.fields[name].widget.attrs["lang"] = written
        zone = self.fields["time_zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = [(name, name) for name in time_zone_names()]
        zone.initial = "Europe/Brussels"
        country = self.fields["eligible_countries"]
        assert isinstance(country, forms.MultipleChoiceField)
        country.choices = list(countries)

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as the services take it: the deadline as wall-clock time in the
        chosen zone (the service makes it aware in that zone)."""
        data = dict(self.cleaned_data)
        data["deadline"] = data["deadline"].replace(tzinfo=None)
        data["budget_currency"] = data["budget_currency"].upper()
        return data


def call_initial(call: Call) -> dict[str, Any]:
    """The form's initial values for `call`, its deadline as wall-clock time in its zone."""
    zone = zoneinfo.ZoneInfo(call.time_zone)
    return {
        "kind": call.kind,
        "title": call.title,
        "summary": call.summary,
        "body": call.body,
        "language": call.language,
        "programme": call.programme,
        "funder": call.funder,
        "time_zone": call.time_zone,
        "deadline": call.deadline.astimezone(zone).replace(tzinfo=None),
        "budget_amount": call.budget_amount,
        "budget_currency": call.budget_currency,
        "budget_note": call.budget_note,
        "official_url": call.official_url,
        "eligible_countries": [c.code for c in call.eligible_countries],
        "ecosystems": [e.slug for e in call.ecosystems.all()],
        "organisation": call.organisation.slug if call.organisation else None,
    }


class CallRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the author"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CallDeleteForm(forms.Form):
    """Staff deleting someone else's call may say why (the author is told; it is logged)."""

    reason = forms.CharField(
        label=_("Reason for the author"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Sent to the author and kept in the moderation log."),
    )


class CallTagForm(forms.Form):
    listing = forms.IntegerField(label=_("Your listing"))
