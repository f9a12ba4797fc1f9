"""Forms for the account pages: register, log in, profile, delete."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.forms.languages import LanguageSelect, native_language_choices
from community.images import IMAGE_ACCEPT, validate_image
from community.models import User
from community.services.accounts import PROFILE_LANGUAGE_CHOICES
from community.services.login_attempts import current_password_check, login_authenticate
from community.throttling import client_ip


def _country_field() -> forms.Field:
    field = User._meta.get_field("country").formfield(required=False)
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", _("Not specified")), *countries]
    field.help_text = _("Optional.")
    return field


class RegisterForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Type the same password again, to avoid typos."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"] = _country_field()

    def clean_email(self) -> str:
        # Whether the address is taken is not checked here: the answer must not tell.
        email: str = User.objects.normalize_email(self.cleaned_data["email"].strip()).lower()
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                validate_password(password1, user=candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class LoginForm(forms.Form):
    """Email and password, checked within the login limits.

    is_valid() raises LoginLimitedError when the limits refuse to check the password.
    """

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        password = cleaned.get("password")
        if email and password:
            user = login_authenticate(
                request=self.request,
                email=email,
                password=password,
                client_ip=client_ip(self.request),
            )
            if user is None:
                raise ValidationError(
                    _("The email address or the password is not right. Both are checked as typed."),
                    code="invalid_login",
                )
            self.user = user
        return cleaned


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    job_title = forms.CharField(
        label=_("Job title"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        validators=[validate_image],
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        required=False,
        choices=PROFILE_LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "language-choice"}),
    )
    language = forms.ChoiceField(
        label=_("Interface language"),
        required=False,
        widget=LanguageSelect,
        help_text=_("The language of your pages, e-mails and push notifications."),
    )
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("At most 1,000 characters. Plain text."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "full_name": user.full_name,
                "job_title": user.job_title,
                "photo": user.photo or None,
                "languages": list(user.languages or []),
                "language": user.language,
                "bio": user.bio,
                "country": user.country.code if user.country else "",
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["country"] = _country_field()
        # Each language by its own name, so a person lost in a foreign one finds theirs.
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("The one my browser asks for")), *native_language_choices()]

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the fields the person changed, for user_profile_update."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class DeleteAccountForm(forms.Form):
    """The password, checked within the login limits (is_valid() may raise LoginLimitedError)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is you."),
    )

    def __init__(self, *args: Any, user: User, client_ip: str, **kwargs: Any) -> None:
        self.user = user
        self.client_ip = client_ip
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not current_password_check(user=self.user, password=password, client_ip=self.client_ip):
            raise ValidationError(_("This is not your password."), code="wrong_password")
        return password


class LimitedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, its old-password check within the login limits.

    is_valid() raises LoginLimitedError when the limits refuse to check the old password.
    """

    def __init__(self, user: User, *args: Any, client_ip: str, **kwargs: Any) -> None:
        self.client_ip = client_ip
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        user = self.user
        assert isinstance(user, User)
        if not current_password_check(user=user, password=old_password, client_ip=self.client_ip):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
