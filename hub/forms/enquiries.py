"""Forms of the desk's pages. They validate input; hub/services/enquiries.py writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.forms.news import ErrorsDescribedMixin
from community.forms.richtext import RICH_TEXT_HELP, MarkdownTextarea
from community.models import Ecosystem
from community.richtext import MAX_LENGTH
from hub.models import DESK_FOCUS_COUNTRIES, EnquiryCloseReason, EnquiryState
from hub.selectors.enquiries import desk_staff


def country_choices() -> list[tuple[Any, Any]]:
    """The strategic third countries first, then every country (names in the reader's
    language)."""
    focus = sorted(
        ((code, countries.name(code)) for code in DESK_FOCUS_COUNTRIES), key=lambda c: str(c[1])
    )
    return [
        ("", _("Choose a country")),
        (_("Third countries of strategic interest"), focus),
        (_("All countries"), [(code, name) for code, name in countries]),
    ]


class EnquiryForm(ErrorsDescribedMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send the answer and a private link to follow your enquiry there."),
    )
    organisation = forms.CharField(
        label=_("Your organisation"),
        max_length=200,
        required=False,
        help_text=_("The cluster or company you ask for."),
    )
    country = forms.ChoiceField(label=_("Target country"))
    ecosystem = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Ecosystem.objects.all(),
        required=False,
        empty_label=_("Any sector"),
        to_field_name="slug",
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        help_text=_("For example: certifying medical devices for the Canadian market."),
    )
    question = forms.CharField(
        label=_("Your question"),
        max_length=MAX_LENGTH,
        widget=MarkdownTextarea(attrs={"rows": 8}),
        help_text=RICH_TEXT_HELP,
    )
    # A trap for robots: hidden from people (and from assistive technology), filled in by
    # scripts that fill every field. A filled trap is answered as a success and stored nowhere.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = country_choices()
        if user is not None and user.is_authenticated:
            # A member writes as themselves: their account gives the name and address.
            del self.fields["name"]
            del self.fields["email"]

    @property
    def is_trap_filled(self) -> bool:
        return bool(self.is_bound and (self.data.get("website") or "").strip())

    def visible_fields(self) -> list[Any]:
        return [field for field in super().visible_fields() if field.name != "website"]


class EnquiryReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_LENGTH,
        widget=MarkdownTextarea(attrs={"rows": 5}),
        help_text=RICH_TEXT_HELP,
    )


class EnquiryRespondForm(forms.Form):
    """The desk's message: an answer, a question back or an internal note."""

    ANSWER, ASK, NOTE = "answer", "ask", "note"
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_LENGTH,
        widget=MarkdownTextarea(attrs={"rows": 6}),
        help_text=_(
            "An answer and a question are sent to the asker; "
            "an internal note is seen by staff only."
        ),
    )


class EnquiryAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=desk_staff())


class EnquiryCloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=EnquiryCloseReason.choices)


class EnquiryQueueForm(forms.Form):
    """The queue's filters; an unknown value is ignored (the whole queue is shown)."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Not closed")), ("all", _("All")), *EnquiryState.choices],
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody yet")),
            *[(str(user.pk), user.display_name) for user in desk_staff()],
        ]
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("Any country")), *list(countries)]
