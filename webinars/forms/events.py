"""Forms of the event pages. They validate input; webinars/services/ writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.forms.languages import text_language_field
from community.forms.news import ErrorsDescribedMixin
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.models import Ecosystem, User
from community.models.moderation import REASON_MAX_LENGTH
from community.time_zones import LOCAL, LocalDateTimeInput, time_zone_names
from webinars.models import EventKind, RegistrationMode, RoomFormat
from webinars.selectors.events import (
    event_organisations_for,
    event_partnerships_for,
    user_is_staff,
)
from webinars.services.events import SpeakerInput


class EventForm(ErrorsDescribedMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences shown in lists (500 characters at most)."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=100_000,
        widget=MarkdownTextarea(attrs={"rows": 10}),
        help_text=RICH_TEXT_HELP,
    )
    language = text_language_field()
    organiser = forms.ChoiceField(label=_("Organised by"))
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("The start and end are in this time zone; visitors also see their own."),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), input_formats=[LOCAL, "%Y-%m-%d %H:%M"], widget=LocalDateTimeInput()
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), input_formats=[LOCAL, "%Y-%m-%d %H:%M"], widget=LocalDateTimeInput()
    )
    online = forms.BooleanField(label=_("Online event"), required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Ecosystems"),
        queryset=Ecosystem.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=1_000_000,
        required=False,
        help_text=_("Empty: no limit. When it is full, people join a waiting list."),
    )
    registration_mode = forms.ChoiceField(label=_("Registration"), choices=RegistrationMode.choices)
    room_format = forms.ChoiceField(label=_("Online room"), choices=RoomFormat.choices)
    stream_url = forms.URLField(
        label=_("Stream address"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("PeerTube, YouTube or Vimeo; shown in the room."),
    )
    recording_url = forms.URLField(
        label=_("Recording address"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Shown on the event's page once it is over."),
    )
    speakers = forms.CharField(
        label=_("Speakers"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name, then a vertical bar and the affiliation."),
    )
    hosts = forms.CharField(
        label=_("Hosts"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Email addresses of the people who run the room, one per line."),
    )

    def __init__(self, *args: Any, user: Any, event: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.organisations = {f"organisation:{o.pk}": o for o in event_organisations_for(user)}
        self.partnerships = {f"partnership:{p.pk}": p for p in event_partnerships_for(user)}
        # An event keeps its organiser even when the editor (staff, say) does not manage it.
        if event is not None and event.organiser_organisation is not None:
            self.organisations.setdefault(
                f"organisation:{event.organiser_organisation_id}", event.organiser_organisation
            )
        if event is not None and event.organiser_partnership is not None:
            self.partnerships.setdefault(
                f"partnership:{event.organiser_partnership_id}", event.organiser_partnership
            )
        choices: list[tuple[str, Any]] = []
        if user_is_staff(user):
            choices.append(("", _("ClusterHub (staff)")))
        choices += [(key, o.name) for key, o in self.organisations.items()]
        choices += [(key, p.name) for key, p in self.partnerships.items()]
        self._set_choices("organiser", choices)
        self._set_choices("time_zone", [(name, name) for name in time_zone_names()])
        self._set_choices("country", [("", _("—")), *countries])
        self.fields["organiser"].required = not user_is_staff(user)

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean_speakers(self) -> list[SpeakerInput]:
        speakers = []
        for line in self.cleaned_data["speakers"].splitlines():
            name, _sep, affiliation = line.partition("|")
            if name.strip():
                speakers.append(
                    SpeakerInput(name=name.strip()[:200], affiliation=affiliation.strip()[:200])
                )
        return speakers

    def clean_hosts(self) -> list[User]:
        emails = [e.strip().lower() for e in self.cleaned_data["hosts"].split() if e.strip()]
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
        missing = [e for e in emails if e not in users]
        if missing:
            raise forms.ValidationError(
                _("No account with the address %(email)s."), params={"email": missing[0]}
            )
        return list(users.values())

    def organiser_arguments(self) -> dict[str, Any]:
        key = self.cleaned_data.get("organiser", "")
        return {
            "organiser_organisation": self.organisations.get(key),
            "organiser_partnership": self.partnerships.get(key),
        }

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("organiser", None)
        # Wall-clock times in the chosen zone: the service makes them aware in it.
        for name in ("starts_at", "ends_at"):
            data[name] = data[name].replace(tzinfo=None)
        return {**data, **self.organiser_arguments()}


def event_initial(event: Any) -> dict[str, Any]:
    """The form's initial values for `event`, times as wall-clock in its zone."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo(event.time_zone)
    organiser = ""
    if event.organiser_organisation_id:
        organiser = f"organisation:{event.organiser_organisation_id}"
    elif event.organiser_partnership_id:
        organiser = f"partnership:{event.organiser_partnership_id}"
    return {
        "kind": event.kind,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "language": event.language,
        "organiser": organiser,
        "time_zone": event.time_zone,
        "starts_at": event.starts_at.astimezone(zone).replace(tzinfo=None),
        "ends_at": event.ends_at.astimezone(zone).replace(tzinfo=None),
        "online": event.online,
        "venue": event.venue,
        "city": event.city,
        "country": event.country,
        "ecosystems": list(event.ecosystems.all()),
        "capacity": event.capacity,
        "registration_mode": event.registration_mode,
        "room_format": event.room_format,
        "stream_url": event.stream_url,
        "recording_url": event.recording_url,
        "speakers": "\n".join(
            f"{s.name} | {s.affiliation}" if s.affiliation else s.name for s in event.speakers.all()
        ),
        "hosts": "\n".join(
            p.user.email for p in event.people.filter(role="host").select_related("user")
        ),
    }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to everyone registered, pending or on the waiting list."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), required=False)
    ecosystem = forms.ChoiceField(label=_("Ecosystem"), required=False)
    organiser = forms.CharField(label=_("Organiser"), required=False, max_length=240)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mode = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[("", _("Online and on site")), ("online", _("Online")), ("onsite", _("On site"))],
    )
    past = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("", _("Upcoming")), ("1", _("Past"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("All types")), *EventKind.choices]
        ecosystem = self.fields["ecosystem"]
        assert isinstance(ecosystem, forms.ChoiceField)
        ecosystem.choices = [
            ("", _("All ecosystems")),
            *((e.slug, e.label) for e in Ecosystem.objects.all()),
        ]
