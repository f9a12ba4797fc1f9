"""Forms of the ClusterXchange conversation pages. They parse input; messaging.services writes."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.forms.news import ErrorsDescribedMixin
from messaging.services import (
    MAX_ATTACHMENTS_PER_MESSAGE,
    MAX_BODY_LENGTH,
    MAX_CLIENT_ID_LENGTH,
    MAX_REPORT_REASON_LENGTH,
    MAX_TITLE_LENGTH,
)

_SEPARATORS = re.compile(r"[\s,;]+")
MAX_EMAILS = 49


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


def users_by_email(raw: str) -> list[Any]:
    """Active people whose email addresses are listed in `raw` (commas, spaces or lines)."""
    emails = [e.lower() for e in _SEPARATORS.split(raw or "") if e]
    if not emails:
        return []
    if len(emails) > MAX_EMAILS:
        raise ValidationError(_("At most %(n)s addresses at a time.") % {"n": MAX_EMAILS})
    validator = forms.EmailField()
    for email in emails:
        try:
            validator.clean(email)
        except ValidationError:
            raise ValidationError(
                _("“%(email)s” is not an email address.") % {"email": email}
            ) from None
    found = {
        u.email.lower(): u
        for u in get_user_model().objects.filter(email__in=emails, is_active=True)
    }
    unknown = [e for e in dict.fromkeys(emails) if e not in found]
    if unknown:
        raise ValidationError(
            _("Nobody on ClusterHub uses this address: %(emails)s.")
            % {"emails": ", ".join(unknown)}
        )
    return [found[e] for e in dict.fromkeys(emails)]


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


class ConversationStartForm(ErrorsDescribedMixin, forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("The people to write to, separated by commas or new lines."),
    )
    colleagues = forms.MultipleChoiceField(
        label=_("Colleagues from your organisations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
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

    def __init__(self, *args: Any, colleagues: list[Any], **kwargs: Any) -> None:
        _client_id_initial(kwargs)
        super().__init__(*args, **kwargs)
        self.colleague_users = {str(u.pk): u for u in colleagues}
        field = self.fields["colleagues"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(u.pk), f"{u.display_name} ({u.email})") for u in colleagues]
        if not colleagues:
            del self.fields["colleagues"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        people: list[Any] = []
        try:
            people = users_by_email(cleaned.get("emails", ""))
        except ValidationError as exc:
            self.add_error("emails", exc)
        people += [self.colleague_users[pk] for pk in cleaned.get("colleagues", [])]
        if not people and not self.errors:
            self.add_error("emails", _("Choose at least one person to write to."))
        cleaned["people"] = people
        return cleaned


class PeopleAddForm(ErrorsDescribedMixin, forms.Form):
    emails = forms.CharField(
        label=_("Add people by email address"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Separate several addresses with commas."),
    )

    def clean_emails(self) -> list[Any]:
        people = users_by_email(self.cleaned_data["emails"])
        if not people:
            raise ValidationError(_("Give at least one email address."))
        return people


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
