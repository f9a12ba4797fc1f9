"""Serializers of the organisations API: one to read a profile, one to write it, and people."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.images import validate_image
from community.models import (
    Ecosystem,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
    Tag,
)
from community.selectors import organisations as selectors
from community.serializers.fields import (
    OptionalEmailField,
    OptionalURLField,
    RelatedSlugField,
    RenderedMarkdownField,
    TextLanguageField,
)
from community.services.organisations import (
    DESCRIPTION_MAX_LENGTH,
    INTERESTS_MAX_LENGTH,
    PROFILE_FIELDS,
    REASON_MAX_LENGTH,
    STAFF_FIELDS,
)


class TagSerializer(serializers.ModelSerializer[Tag]):
    class Meta:
        model = Tag
        fields = ["kind", "name", "slug"]


class ChecklistItemSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class ChecklistSerializer(serializers.Serializer[Any]):
    passed = serializers.BooleanField()
    waived = serializers.BooleanField()
    support_programme = serializers.CharField()
    items = ChecklistItemSerializer(many=True)


class OrganisationDetailSerializer(CountryFieldMixin, serializers.ModelSerializer[Organisation]):
    """A profile as its viewer may see it.

    `checklist` is given to the organisation's admins and editors and to staff, `my_role` to
    everyone (null when not a member), `rejection_reason` only to members and staff.
    """

    ecosystems: RelatedSlugField[Ecosystem] = RelatedSlugField(
        many=True, read_only=True, slug_field="slug"
    )
    primary_ecosystem: RelatedSlugField[Ecosystem] = RelatedSlugField(
        read_only=True, slug_field="slug", allow_null=True
    )
    website = OptionalURLField(read_only=True)
    contact_email = OptionalEmailField(read_only=True)
    language = TextLanguageField(read_only=True)
    tags = TagSerializer(many=True, read_only=True)
    logo = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    label_is_valid = serializers.BooleanField(read_only=True)
    my_role = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()
    description_html = RenderedMarkdownField(
        source="description", help_text=_("The description (markdown) as safe HTML.")
    )

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "url",
            "status",
            *PROFILE_FIELDS,
            "description_html",
            "members_total",
            *STAFF_FIELDS,
            "label_is_valid",
            "ecosystems",
            "primary_ecosystem",
            "tags",
            "logo",
            "submitted_at",
            "reviewed_at",
            "rejection_reason",
            "created_at",
            "updated_at",
            "my_role",
            "checklist",
        ]
        read_only_fields = fields

    def _user(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_logo(self, obj: Organisation) -> str | None:
        if not obj.logo:
            return None
        request = self.context.get("request")
        url = obj.logo.url
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text="admin, editor or member; null when not a member"
        )
    )
    def get_my_role(self, obj: Organisation) -> str | None:
        user = self._user()
        return selectors.membership_role_for(user, obj) if user is not None else None

    @extend_schema_field(ChecklistSerializer(allow_null=True))
    def get_checklist(self, obj: Organisation) -> dict[str, Any] | None:
        user = self._user()
        if user is None or not selectors.organisation_can_edit(user, obj):
            return None
        return selectors.organisation_checklist(obj).as_dict()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rejection_reason(self, obj: Organisation) -> str | None:
        user = self._user()
        if user is None or not selectors.organisation_can_see_people(user, obj):
            return None
        return obj.rejection_reason


class OrganisationWriteSerializer(CountryFieldMixin, serializers.ModelSerializer[Organisation]):
    """Input for creating or changing a profile (JSON, or multipart with a `logo` file).

    `ecosystems` is a list of ecosystem slugs (GET /api/v1/… lists them in the schema), the
    `primary_ecosystem` one of them; tags are lists of names, created as needed. Only staff
    may set `label` / `label_valid_until`. The serializer only validates: a service writes.
    """

    ecosystems = serializers.ListField(
        child=serializers.SlugField(max_length=60), required=False, max_length=14
    )
    primary_ecosystem = serializers.SlugField(
        max_length=60, required=False, allow_null=True, allow_blank=True
    )
    sector_tags = serializers.ListField(
        child=serializers.CharField(max_length=80), required=False, max_length=20
    )
    technology_tags = serializers.ListField(
        child=serializers.CharField(max_length=80), required=False, max_length=20
    )
    logo = serializers.FileField(required=False, allow_null=True)

    class Meta:
        model = Organisation
        extra_kwargs = {
            "description": {"max_length": DESCRIPTION_MAX_LENGTH},
            "cooperation_interests": {"max_length": INTERESTS_MAX_LENGTH},
        }
        fields = [
            *PROFILE_FIELDS,
            *STAFF_FIELDS,
            "ecosystems",
            "primary_ecosystem",
            "sector_tags",
            "technology_tags",
            "logo",
        ]

    def validate_ecosystems(self, value: list[str]) -> list[str]:
        known = set(Ecosystem.objects.filter(slug__in=value).values_list("slug", flat=True))
        unknown = [slug for slug in value if slug not in known]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown ecosystem: %(slugs)s. Valid ecosystems are: %(valid)s.")
                % {
                    "slugs": ", ".join(unknown),
                    "valid": ", ".join(Ecosystem.objects.values_list("slug", flat=True)),
                }
            )
        return value

    def validate_primary_ecosystem(self, value: str | None) -> str | None:
        if value and not Ecosystem.objects.filter(slug=value).exists():
            raise serializers.ValidationError(_("Unknown ecosystem: %(slug)s.") % {"slug": value})
        return value or None

    def validate_logo(self, value: Any) -> Any:
        if value is None:
            return value
        try:
            validate_image(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def service_data(self) -> dict[str, Any]:
        """The validated input in the shape community.services.organisations takes."""
        data = dict(self.validated_data)
        if "logo" in data and data["logo"] is None:
            data["logo"] = False  # null clears the logo
        return data


class PublishSerializer(serializers.Serializer[Any]):
    # Whether it is needed is decided by the service, after it has checked that the user is staff.
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        allow_blank=True,
        default="",
        help_text=gettext_lazy(
            "Required when the profile does not meet the ECCP checklist (and no support "
            "programme waives it): why it is published anyway. Kept in the moderation log for "
            "staff; not sent to the profile's admins. Without it such a profile answers 400 "
            "naming the failed checks."
        ),
    )


class RejectSerializer(serializers.Serializer[Any]):
    # Blank is refused by the service, after it has checked that the user is staff.
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Required: why the profile is sent back; emailed to its admins."),
    )


class MemberUserSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    job_title = serializers.CharField()


class MembershipSerializer(serializers.ModelSerializer[OrganisationMembership]):
    user = MemberUserSerializer(read_only=True)

    class Meta:
        model = OrganisationMembership
        fields = ["user", "role", "created_at"]
        read_only_fields = fields


class RoleSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=OrganisationRole.choices)


class InvitationSerializer(serializers.ModelSerializer[OrganisationInvitation]):
    """An invitation as its organisation's admins see it; the token is only ever emailed."""

    invited_by = serializers.SerializerMethodField()

    class Meta:
        model = OrganisationInvitation
        fields = ["id", "email", "role", "invited_by", "created_at", "expires_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_invited_by(self, obj: OrganisationInvitation) -> str | None:
        return obj.invited_by.display_name if obj.invited_by else None


class InvitationCreateSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(
        choices=OrganisationRole.choices, default=OrganisationRole.MEMBER
    )


class InvitationAcceptSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(max_length=200)


class AcceptedMembershipSerializer(serializers.ModelSerializer[OrganisationMembership]):
    organisation: RelatedSlugField[Organisation] = RelatedSlugField(
        read_only=True, slug_field="slug"
    )

    class Meta:
        model = OrganisationMembership
        fields = ["organisation", "role", "created_at"]
        read_only_fields = fields


class ModerationItemSerializer(serializers.ModelSerializer[Organisation]):
    """A profile in the staff queue, with its ECCP checklist and missing fields."""

    primary_ecosystem: RelatedSlugField[Ecosystem] = RelatedSlugField(
        read_only=True, slug_field="slug"
    )
    checklist = serializers.SerializerMethodField()
    missing_fields = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "type",
            "country",
            "city",
            "website",
            "primary_ecosystem",
            "members_total",
            "management_fte",
            "support_programme",
            "submitted_at",
            "checklist",
            "missing_fields",
        ]
        read_only_fields = fields

    @extend_schema_field(ChecklistSerializer)
    def get_checklist(self, obj: Organisation) -> dict[str, Any]:
        return selectors.organisation_checklist(obj).as_dict()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_fields(self, obj: Organisation) -> list[str]:
        from community.services.organisations import organisation_missing_fields

        return organisation_missing_fields(obj)
