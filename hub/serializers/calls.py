"""Serializers for the calls API: input validation and the shapes of the answers."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Ecosystem, ModerationStatus, Organisation
from community.models.moderation import REASON_MAX_LENGTH
from community.serializers.fields import RelatedSlugField, RenderedMarkdownField, TextLanguageField
from community.serializers.news import ModeratedDetailFields, OrganisationRefSerializer
from community.time_zones import LocalDateTimeField, time_zone_names
from hub.models import Call, CallKind


class CallListItemSerializer(serializers.ModelSerializer[Call]):
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    ecosystems: RelatedSlugField[Ecosystem] = RelatedSlugField(
        slug_field="slug", many=True, read_only=True
    )
    eligible_countries = serializers.SerializerMethodField(
        help_text=_("ISO 3166-1 alpha-2 codes; empty: open to every country.")
    )
    language = TextLanguageField(read_only=True)
    is_open = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "slug",
            "kind",
            "title",
            "summary",
            "language",
            "programme",
            "funder",
            "deadline",
            "time_zone",
            "is_open",
            "budget_amount",
            "budget_currency",
            "budget_note",
            "eligible_countries",
            "ecosystems",
            "official_url",
            "organisation",
            "status",
            "published_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_eligible_countries(self, obj: Call) -> list[str]:
        return [country.code for country in obj.eligible_countries]

    @extend_schema_field(serializers.BooleanField())
    def get_is_open(self, obj: Call) -> bool:
        return obj.deadline > timezone.now()

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: Call) -> str:
        return obj.get_absolute_url()


class CallDetailSerializer(ModeratedDetailFields, CallListItemSerializer):
    body_html = RenderedMarkdownField(
        source="body", help_text=_("The description (markdown) as safe HTML.")
    )

    class Meta(CallListItemSerializer.Meta):
        fields = [
            *CallListItemSerializer.Meta.fields,
            "body",
            "body_html",
            "author",
            "submitted_at",
            "reviewed_at",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CallWriteSerializer(serializers.Serializer[Call]):
    """What a client sends to create (POST) or change (PATCH) a call."""

    kind = serializers.ChoiceField(choices=CallKind.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500)
    body = serializers.CharField(
        required=False, allow_blank=True, max_length=100_000, help_text=_("Markdown.")
    )
    language = TextLanguageField(required=False)
    programme = serializers.CharField(max_length=200, required=False, allow_blank=True)
    funder = serializers.CharField(max_length=200, required=False, allow_blank=True)
    time_zone = serializers.ChoiceField(
        choices=[(name, name) for name in time_zone_names()],
        required=False,
        help_text=_(
            "The IANA time zone of the deadline; a deadline without an offset is read in it."
        ),
    )
    deadline = LocalDateTimeField()
    budget_amount = serializers.DecimalField(
        max_digits=15, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    budget_currency = serializers.CharField(
        min_length=3, max_length=3, required=False, help_text=_("ISO 4217 code, EUR by default.")
    )
    budget_note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    eligible_countries = serializers.ListField(
        child=CountryField(), required=False, help_text=_("ISO codes; empty: every country.")
    )
    ecosystems = RelatedSlugField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": _("Unknown ecosystem “{value}”.")},
    )
    official_url = serializers.URLField(max_length=500)
    organisation = RelatedSlugField(
        slug_field="slug",
        queryset=Organisation.objects.filter(status=ModerationStatus.PUBLISHED),
        required=False,
        allow_null=True,
        help_text=_("Slug of the organisation you post for (required unless you are staff)."),
        error_messages={"does_not_exist": _("No published organisation “{value}”.")},
    )
    submit = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_("Create straight into the review queue instead of as a draft."),
    )


class CallDeleteQuerySerializer(serializers.Serializer[Any]):
    """The query of `DELETE calls/{slug}/`: staff may say why they delete someone's call."""

    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Staff deleting someone else's call: why. Sent to the author and kept in the "
            "moderation log; ignored for anyone else."
        ),
    )


class CallRejectSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, help_text=_("Shown and sent to the author.")
    )


class CallListingTagSerializer(serializers.Serializer[Any]):
    listing = serializers.IntegerField(help_text=_("The id of a ClusterXchange listing."))


class CallTaggedListingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    url = serializers.CharField(source="get_absolute_url")


class CallFollowSerializer(serializers.Serializer[Any]):
    following = serializers.BooleanField()
