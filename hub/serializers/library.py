"""Serializers for the library API: input validation and the shapes of the answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Ecosystem, ModerationStatus
from community.models.moderation import REASON_MAX_LENGTH
from community.serializers.fields import RelatedSlugField, RenderedMarkdownField, TextLanguageField
from hub.models import LibraryCollection, LibraryItem, LibraryItemType


class LibraryItemListSerializer(serializers.ModelSerializer[LibraryItem]):
    type = serializers.CharField(source="item_type", read_only=True)
    ecosystems: RelatedSlugField[Ecosystem] = RelatedSlugField(
        slug_field="slug", many=True, read_only=True
    )
    countries = serializers.SerializerMethodField(help_text=_("ISO 3166-1 alpha-2 codes."))
    language = TextLanguageField(read_only=True)
    year = serializers.IntegerField(read_only=True, allow_null=True)
    file_url = serializers.SerializerMethodField(
        help_text=_("The PDF's download address (always an attachment), or null.")
    )
    file_size = serializers.IntegerField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text=_("The item's page on the site."))
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    link = serializers.CharField(
        source="url", read_only=True, help_text=_('Where the document is online, or "".')
    )
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = LibraryItem
        fields = [
            "slug",
            "type",
            "title",
            "authors",
            "publisher",
            "year",
            "language",
            "ecosystems",
            "countries",
            "tags",
            "link",
            "file_url",
            "file_size",
            "text_status",
            "status",
            "published_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, obj: LibraryItem) -> list[str]:
        return [country.code for country in obj.countries]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_file_url(self, obj: LibraryItem) -> str | None:
        return obj.get_file_url() or None

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: LibraryItem) -> str:
        return obj.get_absolute_url()


class LibraryItemDetailSerializer(LibraryItemListSerializer):
    abstract_html = RenderedMarkdownField(
        source="abstract", help_text=_("The abstract (markdown) as safe HTML.")
    )
    suggested_by = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta(LibraryItemListSerializer.Meta):
        fields = [
            *LibraryItemListSerializer.Meta.fields,
            "abstract",
            "abstract_html",
            "suggested_by",
            "submitted_at",
            "reviewed_at",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_suggested_by(self, obj: LibraryItem) -> str | None:
        """Who suggested it: shown to staff and to the suggester only (as on the page)."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if obj.suggested_by is None or user is None or not user.is_authenticated:
            return None
        if user.is_staff or obj.suggested_by_id == user.pk:
            return obj.suggested_by.display_name
        return None

    @extend_schema_field(serializers.CharField())
    def get_rejection_reason(self, obj: LibraryItem) -> str:
        return obj.rejection_reason if obj.status == ModerationStatus.REJECTED else ""


class LibraryItemWriteSerializer(serializers.Serializer[LibraryItem]):
    """What a client sends to add or suggest (POST, multipart for a PDF) or change (PATCH)
    an item. A link, a PDF or both."""

    type = serializers.ChoiceField(choices=LibraryItemType.choices, source="item_type")
    title = serializers.CharField(max_length=300)
    abstract = serializers.CharField(
        required=False, allow_blank=True, max_length=50_000, help_text=_("Markdown.")
    )
    authors = serializers.CharField(max_length=500, required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    year = serializers.IntegerField(min_value=1950, max_value=2100, required=False, allow_null=True)
    language = TextLanguageField(required=False)
    link = serializers.URLField(max_length=500, required=False, allow_blank=True, source="url")
    file = serializers.FileField(
        required=False, help_text=_("A PDF document, 20 MB at most (multipart/form-data).")
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=20
    )
    countries = serializers.ListField(
        child=CountryField(), required=False, help_text=_("ISO codes.")
    )
    ecosystems = RelatedSlugField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": _("Unknown ecosystem “{value}”.")},
    )


class LibraryRejectSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, help_text=_("Shown and sent to the suggester.")
    )


class LibraryCollectionSerializer(serializers.ModelSerializer[LibraryCollection]):
    description_html = RenderedMarkdownField(source="description")
    language = TextLanguageField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = LibraryCollection
        fields = ["slug", "title", "description", "description_html", "language", "url"]
        read_only_fields = fields


class LibraryCollectionDetailSerializer(LibraryCollectionSerializer):
    items = serializers.SerializerMethodField(
        help_text=_("The items you may see, in the collection's order.")
    )

    class Meta(LibraryCollectionSerializer.Meta):
        fields = [*LibraryCollectionSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(LibraryItemListSerializer(many=True))
    def get_items(self, obj: LibraryCollection) -> list[dict[str, Any]]:
        items = self.context.get("items", [])
        return LibraryItemListSerializer(items, many=True).data  # type: ignore[return-value]


class LibraryCollectionWriteSerializer(serializers.Serializer[LibraryCollection]):
    """What staff send to create (POST) or replace (PUT) a collection."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=20_000, help_text=_("Markdown.")
    )
    language = TextLanguageField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    items = RelatedSlugField(
        slug_field="slug",
        queryset=LibraryItem.objects.all(),
        many=True,
        help_text=_("Slugs of the items, in the collection's order."),
        error_messages={"does_not_exist": _("No library item “{value}”.")},
    )
