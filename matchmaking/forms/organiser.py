"""Forms of the organiser's pages. They validate input; matchmaking/services/ writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from matchmaking.models import MatchmakingSetup
from webinars.models import Event


class SetupForm(forms.Form):
    meeting_cap = forms.IntegerField(
        label=_("Meetings per participant"),
        min_value=1,
        max_value=100,
        help_text=_("A participant may choose fewer."),
    )
    request_ttl_hours = forms.IntegerField(
        label=_("Hours a request waits for an answer"),
        min_value=1,
        max_value=24 * 30,
        help_text=_("Its proposed slots stay held for both people until then."),
    )
    requests_open = forms.BooleanField(label=_("Participants may send requests"), required=False)
    sessions = forms.ModelMultipleChoiceField(
        label=_("Sessions of the programme"),
        queryset=Event.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who registered for a session cannot have a meeting at the same time."),
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sessions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = sessions


def setup_initial(setup: MatchmakingSetup) -> dict[str, Any]:
    return {
        "meeting_cap": setup.meeting_cap,
        "request_ttl_hours": setup.request_ttl_hours,
        "requests_open": setup.requests_open,
        "sessions": list(setup.sessions.all()) if setup.pk else [],
    }


class SlotsForm(forms.Form):
    """Wall-clock times in the event's time zone."""

    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts = forms.TimeField(
        label=_("First meeting starts"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    ends = forms.TimeField(
        label=_("Last meeting ends by"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    length_minutes = forms.IntegerField(
        label=_("Minutes per meeting"), min_value=5, max_value=240, initial=20
    )
    gap_minutes = forms.IntegerField(
        label=_("Minutes between meetings"), min_value=0, max_value=240, initial=5
    )
    break_starts = forms.TimeField(
        label=_("Break from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    break_ends = forms.TimeField(
        label=_("Break until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("break_starts")) != bool(data.get("break_ends")):
            raise forms.ValidationError(_("Give both the start and the end of the break."))
        return data
