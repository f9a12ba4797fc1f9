"""Forms of the meeting request pages. They validate input; matchmaking/services/ writes.

Slots are labelled in the viewer's time zone (Django's current one) and, when it differs,
in the event's, so both people read the same meeting time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.forms.news import ErrorsDescribedMixin
from matchmaking.models import MeetingSlot

MAX_SLOTS = 3


def _span(slot: MeetingSlot, zone: Any) -> str:
    start = timezone.localtime(slot.starts_at, zone)
    end = timezone.localtime(slot.ends_at, zone)
    return f"{date_format(start, 'D j M, H:i')}\u2013{date_format(end, 'H:i')}"


def slot_label(slot: MeetingSlot, event_zone: str) -> str:
    """The slot in the viewer's time zone, with the event's beside it when they differ."""
    mine = timezone.get_current_timezone()
    try:
        theirs: Any = ZoneInfo(event_zone)
    except (ValueError, KeyError):
        theirs = mine
    own = _span(slot, mine)
    if _span(slot, theirs) == own and str(mine) == str(theirs):
        return own
    # Translators: a meeting time in the reader's time zone, then in the event's.
    return _("%(mine)s your time (%(event)s %(zone)s)") % {
        "mine": own,
        "event": _span(slot, theirs),
        "zone": event_zone,
    }


def slot_choices(slots: Iterable[MeetingSlot], event_zone: str) -> list[tuple[str, str]]:
    return [(str(slot.pk), slot_label(slot, event_zone)) for slot in slots]


class RequestForm(ErrorsDescribedMixin, forms.Form):
    slots = forms.MultipleChoiceField(
        label=gettext_lazy("Times you propose"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("One to three slots at which you are both free."),
    )
    message = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Why you would like to meet (2,000 characters at most)."),
    )

    def __init__(self, *args: Any, slots: Iterable[MeetingSlot], event_zone: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.slot_rows = {str(slot.pk): slot for slot in slots}
        self.fields["slots"].choices = slot_choices(self.slot_rows.values(), event_zone)  # type: ignore[attr-defined]

    def clean_slots(self) -> list[MeetingSlot]:
        chosen = self.cleaned_data["slots"]
        if not 1 <= len(chosen) <= MAX_SLOTS:
            raise forms.ValidationError(_("Choose one to three slots."))
        return [self.slot_rows[pk] for pk in chosen]


class SlotForm(forms.Form):
    slot = forms.ChoiceField(label=gettext_lazy("Time"))

    def __init__(
        self,
        *args: Any,
        slots: Iterable[MeetingSlot],
        event_zone: str,
        label: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if label:  # one page shows two of these forms: each says which times it offers
            self.fields["slot"].label = label
        self.slot_rows = {str(slot.pk): slot for slot in slots}
        self.fields["slot"].choices = slot_choices(self.slot_rows.values(), event_zone)  # type: ignore[attr-defined]

    def clean_slot(self) -> MeetingSlot:
        return self.slot_rows[self.cleaned_data["slot"]]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
