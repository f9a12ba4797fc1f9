"""Serializers of the In focus API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Ecosystem, Tag
from community.serializers.fields import RelatedSlugField, RenderedMarkdownField, TextLanguageField
from hub.models import FocusKind, FocusPage


class FocusListItemSerializer(serializers.ModelSerializer[FocusPage]):
    ecosystems: RelatedSlugField[Ecosystem] = RelatedSlugField(
        slug_field="slug", many=True, read_only=True
    )
    tags: RelatedSlugField[Tag] = RelatedSlugField(slug_field="slug", many=True, read_only=True)
    language = TextLanguageField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = FocusPage
        fields = [
            "slug",
            "kind",
            "title",
            "summary",
            "language",
            "ecosystems",
            "tags",
            "position",
            "published",
            "updated_at",
            "url",
        ]
        read_only_fields = fields


class FocusEntrySerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    url = serializers.CharField()
    summary = serializers.CharField()
    language = serializers.CharField()
    when = serializers.DateTimeField(allow_null=True)
    detail = serializers.CharField()


class FocusGatheredSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text=_("news, calls, events, organisations, …"))
    # A field named like Field.label: DRF takes it off the class, mypy sees the attribute.
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    entries = FocusEntrySerializer(many=True)
    more_url = serializers.CharField(help_text=_("The kind's own list, filtered; may be empty."))


class FocusDetailSerializer(FocusListItemSerializer):
    intro = serializers.CharField(read_only=True, help_text=_("Markdown."))
    intro_html = RenderedMarkdownField(source="intro")
    gathered = serializers.SerializerMethodField()

    class Meta(FocusListItemSerializer.Meta):
        fields = [*FocusListItemSerializer.Meta.fields, "intro", "intro_html", "gathered"]
        read_only_fields = fields

    @extend_schema_field(FocusGatheredSerializer(many=True))
    def get_gathered(self, obj: FocusPage) -> list[dict[str, Any]]:
        return FocusGatheredSerializer(self.context.get("gathered", []), many=True).data  # type: ignore[return-value]


class FocusWriteSerializer(serializers.Serializer[Any]):
    """What staff send to create (POST) or change (PATCH) an In focus page."""

    slug = serializers.SlugField(
        max_length=80, required=False, help_text=_("On creation only; from the title if left out.")
    )
    kind = serializers.ChoiceField(choices=FocusKind.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=300, allow_blank=True, required=False)
    intro = serializers.CharField(
        max_length=50_000, allow_blank=True, required=False, help_text=_("Markdown.")
    )
    language = TextLanguageField(required=False)
    ecosystems = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text=_("Ecosystem slugs.")
    )
    tags = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        help_text=_("Sector or technology tag slugs."),
    )
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    published = serializers.BooleanField(required=False)
