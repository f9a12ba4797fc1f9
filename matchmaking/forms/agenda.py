"""The one-click outcome of a meeting (matchmaking/views/agenda.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matchmaking.models import MeetingOutcome


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How did the meeting go?"),
        choices=[
            (MeetingOutcome.HELD.value, _("We met")),
            (MeetingOutcome.NO_SHOW.value, _("The other person did not come")),
        ],
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up planned"),
        required=False,
        choices=[("", _("Not decided")), ("yes", _("Yes")), ("no", _("No"))],
    )

    def follow_up_planned(self) -> bool | None:
        value = self.cleaned_data.get("follow_up")
        return {"yes": True, "no": False}.get(value or "")
