"""Serializers for the accounts API: registration, tokens, the profile, password, deletion."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.images import validate_image
from community.models import ApiToken, OrganisationMembership, User
from community.services.accounts import PROFILE_LANGUAGE_CHOICES
from community.services.login_attempts import current_password_check
from community.throttling import client_ip


def _is_current_password(serializer: serializers.Serializer[Any], password: str) -> bool:
    # Within the login limits: raises LoginLimitedError (a 429, community/api/errors.py).
    request = serializer.context["request"]
    user: User = request.user
    return current_password_check(user=user, password=password, client_ip=client_ip(request))


def _check_password_strength(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(list(exc.messages)) from exc


class RegisterSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    country = CountryField(required=False, allow_blank=True, default="")

    def validate_email(self, value: str) -> str:
        # Whether the address is taken is not checked here: the answer must not tell.
        return User.objects.normalize_email(value.strip()).lower()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(email=attrs.get("email", ""), full_name=attrs.get("full_name", ""))
        try:
            _check_password_strength(attrs["password"], candidate)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"password": exc.detail}) from exc
        return attrs


class RegisterAcceptedSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What to do next; the same for every address."))


class VerifyEmailSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(max_length=500)


class TokenObtainSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A name for the device or app, to recognise the token in the list."),
    )


class TokenCreatedSerializer(serializers.ModelSerializer[ApiToken]):
    token = serializers.SerializerMethodField(
        help_text=_("The key. Shown once; send it as `Authorization: Bearer <key>`.")
    )

    class Meta:
        model = ApiToken
        fields = ("token", "id", "name", "prefix", "expires_at")

    def get_token(self, obj: ApiToken) -> str:
        key: str = self.context["key"]
        return key


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ("id", "name", "prefix", "created_at", "last_used_at", "expires_at")
        read_only_fields = fields


class AccountMembershipSerializer(serializers.ModelSerializer[OrganisationMembership]):
    organisation_id = serializers.IntegerField(source="organisation.pk", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    organisation_url = serializers.CharField(source="organisation.get_absolute_url", read_only=True)

    class Meta:
        model = OrganisationMembership
        fields = ("organisation_id", "organisation_name", "organisation_url", "role")
        read_only_fields = fields


@extend_schema_field({"type": "string", "format": "binary", "nullable": True})
class PhotoField(serializers.FileField):
    """Upload with multipart; send null or "" to remove the photo. Reads back as a URL."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [validate_image])
        super().__init__(**kwargs)


class ProfileSerializer(serializers.ModelSerializer[User]):
    photo = PhotoField(required=False, allow_null=True, allow_empty_file=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=PROFILE_LANGUAGE_CHOICES),
        required=False,
        max_length=len(PROFILE_LANGUAGE_CHOICES),
        help_text=_("ISO 639-1 codes."),
    )
    country = CountryField(required=False, allow_blank=True)
    memberships = AccountMembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "email_verified",
            "full_name",
            "job_title",
            "photo",
            "languages",
            "bio",
            "country",
            "language",
            "date_joined",
            "memberships",
        )
        read_only_fields = ("id", "email", "email_verified", "date_joined", "memberships")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        submitted = getattr(self, "initial_data", {}) or {}
        if (
            "email" in submitted
            and self.instance is not None
            and str(submitted.get("email", "")).strip().lower() != self.instance.email
        ):
            raise serializers.ValidationError(
                {"email": [_("The email address cannot be changed here.")]}
            )
        return attrs


class PasswordChangeSerializer(serializers.Serializer[Any]):
    old_password = serializers.CharField(write_only=True, trim_whitespace=False)
    new_password = serializers.CharField(write_only=True, trim_whitespace=False)

    def validate_old_password(self, value: str) -> str:
        if not _is_current_password(self, value):
            raise serializers.ValidationError(_("This is not your current password."))
        return value

    def validate_new_password(self, value: str) -> str:
        _check_password_strength(value, self.context["request"].user)
        return value


class PasswordResetSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)


class AccountDeleteSerializer(serializers.Serializer[Any]):
    password = serializers.CharField(write_only=True, trim_whitespace=False)

    def validate_password(self, value: str) -> str:
        if not _is_current_password(self, value):
            raise serializers.ValidationError(_("This is not your password."))
        return value
