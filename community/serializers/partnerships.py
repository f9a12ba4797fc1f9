"""Serializers for the partnerships API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import (
    Ecosystem,
    Organisation,
    Partnership,
    PartnershipKind,
    PartnershipMembership,
)
from community.serializers.fields import (
    OptionalURLField,
    RelatedSlugField,
    RenderedMarkdownField,
    TextLanguageField,
)
from community.serializers.news import OrganisationRefSerializer


class PartnershipListItemSerializer(serializers.ModelSerializer[Partnership]):
    coordinator = OrganisationRefSerializer(read_only=True)
    ecosystems: RelatedSlugField[Ecosystem] = RelatedSlugField(
        slug_field="slug", many=True, read_only=True
    )
    member_count = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "kind",
            "name",
            "acronym",
            "coordinator",
            "ecosystems",
            "start_date",
            "end_date",
            "member_count",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField())
    def get_member_count(self, obj: Partnership) -> int:
        """Member organisations whose profile is published."""
        return int(getattr(obj, "published_member_count", 0))

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: Partnership) -> str:
        return obj.get_absolute_url()


class PartnershipDetailSerializer(PartnershipListItemSerializer):
    website = OptionalURLField(read_only=True)
    language = TextLanguageField(read_only=True)
    description_html = RenderedMarkdownField(
        source="description", help_text=_("The description (markdown) as safe HTML.")
    )

    class Meta(PartnershipListItemSerializer.Meta):
        fields = [
            *PartnershipListItemSerializer.Meta.fields,
            "description",
            "description_html",
            "language",
            "website",
        ]
        read_only_fields = fields


class PartnershipMemberSerializer(serializers.ModelSerializer[PartnershipMembership]):
    organisation = OrganisationRefSerializer(read_only=True)
    is_coordinator = serializers.SerializerMethodField()

    class Meta:
        model = PartnershipMembership
        fields = ["organisation", "joined_at", "is_coordinator"]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_coordinator(self, obj: PartnershipMembership) -> bool:
        return obj.organisation_id == obj.partnership.coordinator_id


class PartnershipWriteSerializer(serializers.Serializer[Partnership]):
    """What staff send to create (POST) or change (PATCH) a partnership."""

    kind = serializers.ChoiceField(choices=PartnershipKind.choices)
    name = serializers.CharField(max_length=200)
    acronym = serializers.CharField(max_length=40, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    language = TextLanguageField(
        required=False,
        help_text=_("The language of the description; by default the author's."),
    )
    website = serializers.URLField(required=False, allow_blank=True, max_length=200)
    coordinator = RelatedSlugField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        help_text=_("Slug of the coordinating organisation."),
        error_messages={"does_not_exist": _("No organisation “{value}”.")},
    )
    ecosystems = RelatedSlugField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": _("Unknown ecosystem “{value}”.")},
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        start = attrs.get("start_date", getattr(instance, "start_date", None))
        end = attrs.get("end_date", getattr(instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {
                    "end_date": _("The end date (%(end)s) is before the start date (%(start)s).")
                    % {"end": end.isoformat(), "start": start.isoformat()}
                }
            )
        return attrs


class PartnershipQuerySerializer(serializers.Serializer[Any]):
    """The list's filters; an empty value is no filter."""

    kind = serializers.ChoiceField(
        choices=PartnershipKind.choices, required=False, allow_blank=True
    )
    ecosystem = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Ecosystem slug.")
    )


class PartnershipMemberAddSerializer(serializers.Serializer[Any]):
    organisation = RelatedSlugField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        help_text=_("Slug of the organisation to add."),
        error_messages={"does_not_exist": _("No organisation “{value}”.")},
    )
    joined_at = serializers.DateField(required=False, allow_null=True)
