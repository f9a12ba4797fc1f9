"""Forms of the ClusterXchange conversation pages. They parse input; messaging.services writes."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from community.forms.news import ErrorsDescribedMixin
from community.models import object_id
from community.selectors.accounts import PERSON_NOT_FOUND
from messaging.models import Conversation
from messaging.selectors import conversations as selectors
from messaging.selectors.contact import organisation_contacts_get_for
from messaging.services.conversations import MAX_TITLE_LENGTH
from messaging.services.messages import (
    MAX_ATTACHMENTS_PER_MESSAGE,
    MAX_BODY_LENGTH,
    MAX_CLIENT_ID_LENGTH,
    MAX_REPORT_REASON_LENGTH,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _client_id_initial(kwargs: dict[str, Any]) -> None:
    kwargs.setdefault("initial", {}).setdefault("client_id", uuid.uuid4().hex)


class MessageForm(ErrorsDescribedMixin, forms.Form):
    """The composer. Without JavaScript it posts here; with it, the same fields go over the
    socket (`message.send`)."""

    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_BODY_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("Enter sends; Shift+Enter starts a new line. **bold**, *italics*, links."),
    )
    attachments = MultipleFileField(
        label=_("Attach files"),
        required=False,
        help_text=_("PDF, images, text, CSV, Word, Excel, PowerPoint or ODT; 10 MB each."),
    )
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # A retried or double-clicked submit stores the message once.
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=MAX_CLIENT_ID_LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _client_id_initial(kwargs)
        super().__init__(*args, **kwargs)

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS_PER_MESSAGE:
            raise ValidationError(
                _("At most %(n)s files per message.") % {"n": MAX_ATTACHMENTS_PER_MESSAGE}
            )
        return list(files)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        empty = not (cleaned.get("body") or "").strip() and not cleaned.get("attachments")
        if empty and "body" not in self.errors and "attachments" not in self.errors:
            self.add_error("body", _("Write a message or attach a file."))
        return cleaned


class PeopleField(forms.Field):
    """User ids chosen with the people picker (checkboxes, or the picker's hidden inputs, all
    named `people`). Only parses; the form resolves them through the visibility gate."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        parsed = [object_id(v) for v in values]
        ids = list(dict.fromkeys(pk for pk in parsed if pk is not None))
        if len(ids) != len(dict.fromkeys(parsed)):  # something that is no id at all
            raise ValidationError(PERSON_NOT_FOUND)
        if len(ids) >= Conversation.MAX_PARTICIPANTS:
            raise ValidationError(
                _("A conversation has at most %(n)s participants.")
                % {"n": Conversation.MAX_PARTICIPANTS}
            )
        return ids


class PeopleFormMixin(forms.Form):
    """A `people` field resolved for `viewer`: a person they may not see is refused exactly
    like an id that does not exist. Organisations ticked in the picker's results (without
    JavaScript; with it, the script ticks their people) add their contact people."""

    # Cleaned first: clean_people adds the organisations' contact people.
    organisations = PeopleField(label=_("Organisations"), required=False)
    people = PeopleField(label=_("People"), required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        self.viewer = viewer
        super().__init__(*args, **kwargs)

    def clean_people(self) -> list[Any]:
        ids = self.cleaned_data["people"]
        try:
            people = selectors.people_get_for(self.viewer, ids) if ids else []
        except Http404:
            raise ValidationError(PERSON_NOT_FOUND) from None
        chosen = {p.pk for p in people}
        organisation_ids = self.cleaned_data.get("organisations") or []
        people += [
            p
            for p in organisation_contacts_get_for(self.viewer, organisation_ids)
            if p.pk not in chosen
        ]
        if not people:
            raise ValidationError(_("Choose at least one person."))
        return people


class ConversationStartForm(ErrorsDescribedMixin, PeopleFormMixin):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=MAX_TITLE_LENGTH,
        help_text=_("Optional. A title, or more than one other person, makes a group."),
    )
    first_message = forms.CharField(
        label=_("First message"),
        required=False,
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=MAX_CLIENT_ID_LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _client_id_initial(kwargs)
        super().__init__(*args, **kwargs)


class PeopleAddForm(ErrorsDescribedMixin, PeopleFormMixin):
    """ "Add people" to a group: only the chosen people."""


class RenameForm(ErrorsDescribedMixin, forms.Form):
    title = forms.CharField(label=_("Group title"), required=False, max_length=MAX_TITLE_LENGTH)


class MessageEditForm(ErrorsDescribedMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_BODY_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(ErrorsDescribedMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you report this message?"),
        max_length=MAX_REPORT_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Platform staff read your report and decide what to do."),
    )
