"""Serializers for the trends API: input validation and the shapes of the answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Ecosystem, Tag
from community.serializers.fields import (
    RelatedSlugField,
    RenderedMarkdownField,
    TextLanguageField,
)
from community.serializers.news import OrganisationRefSerializer
from hub.models import IMPACT_MAX, Horizon, Trend, TrendScore
from hub.services.trends import MAX_KEYWORD_LENGTH, MAX_KEYWORDS


class TrendScoreSerializer(serializers.ModelSerializer[TrendScore]):
    ecosystem = serializers.CharField(source="ecosystem_id", help_text=_("Ecosystem slug."))

    class Meta:
        model = TrendScore
        fields = ["ecosystem", "horizon", "impact"]
        read_only_fields = fields


class TrendListItemSerializer(serializers.ModelSerializer[Trend]):
    language = TextLanguageField(read_only=True)
    scores = TrendScoreSerializer(many=True, read_only=True)
    tags = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Trend
        fields = ["slug", "title", "summary", "language", "keywords", "tags", "scores", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, obj: Trend) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: Trend) -> str:
        return obj.get_absolute_url()


class TrendDetailSerializer(TrendListItemSerializer):
    description_html = RenderedMarkdownField(
        source="description", help_text=_("The description (markdown) as safe HTML.")
    )
    organisations = serializers.SerializerMethodField(
        help_text=_("Published organisations that say they work on the trend.")
    )

    class Meta(TrendListItemSerializer.Meta):
        fields = [
            *TrendListItemSerializer.Meta.fields,
            "description",
            "description_html",
            "organisations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_organisations(self, obj: Trend) -> list[dict[str, Any]]:
        from hub.selectors.trends import trend_engaged_organisations

        return list(OrganisationRefSerializer(trend_engaged_organisations(obj), many=True).data)


class TrendScoreWriteSerializer(serializers.Serializer[Any]):
    ecosystem: RelatedSlugField[Ecosystem] = RelatedSlugField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        error_messages={"does_not_exist": _("Unknown ecosystem “{value}”.")},
    )
    horizon = serializers.ChoiceField(choices=Horizon.choices)
    impact = serializers.IntegerField(
        min_value=0,
        max_value=IMPACT_MAX,
        allow_null=True,
        help_text=_("0 (none) to 5 (transformative); null removes the score."),
    )


class TrendWriteSerializer(serializers.Serializer[Trend]):
    """What staff send to create (POST) or change (PATCH) a trend."""

    title = serializers.CharField(max_length=120)
    summary = serializers.CharField(max_length=300)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=50_000, help_text=_("Markdown.")
    )
    language = TextLanguageField(required=False)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=MAX_KEYWORD_LENGTH),
        max_length=MAX_KEYWORDS,
        required=False,
        help_text=_("Words and phrases that find related news and profiles (3 to 60 characters)."),
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        help_text=_("Names of existing directory tags."),
    )
    scores = TrendScoreWriteSerializer(
        many=True,
        required=False,
        help_text=_(
            "Impacts by ecosystem and horizon. On PATCH only the given pairs change "
            "(null removes one)."
        ),
    )

    def validate_tags(self, names: list[str]) -> list[Tag]:
        tags: list[Tag] = []
        for name in names:
            found = list(Tag.objects.filter(name__iexact=name.strip()))
            if not found:
                raise serializers.ValidationError(
                    _("Unknown tag “%(value)s”.") % {"value": name[:80]}
                )
            tags.extend(found)
        return tags

    def validate_scores(self, scores: list[dict[str, Any]]) -> dict[tuple[str, str], int | None]:
        return {(s["ecosystem"].slug, s["horizon"]): s["impact"] for s in scores}


class TrendEngagementWriteSerializer(serializers.Serializer[Any]):
    organisation = serializers.SlugField(
        max_length=220, help_text=_("Slug of a published organisation you manage.")
    )


class TrendPeerSerializer(serializers.Serializer[Any]):
    trend = TrendListItemSerializer(read_only=True)
    others = OrganisationRefSerializer(many=True, read_only=True)
