"""Serializers for the news API: input validation and the shapes of the answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.images import validate_image
from community.models import Ecosystem, ModerationStatus, NewsItem, Organisation
from community.models.moderation import REASON_MAX_LENGTH
from community.serializers.fields import RelatedSlugField, RenderedMarkdownField, TextLanguageField


class OrganisationRefSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["slug", "name"]
        read_only_fields = fields


class NewsListItemSerializer(serializers.ModelSerializer[NewsItem]):
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    ecosystems: RelatedSlugField[Ecosystem] = RelatedSlugField(
        slug_field="slug", many=True, read_only=True
    )
    country = CountryField(read_only=True, allow_blank=True)
    language = TextLanguageField(read_only=True)
    url = serializers.SerializerMethodField()
    image = serializers.ImageField(read_only=True, use_url=True)

    class Meta:
        model = NewsItem
        fields = [
            "slug",
            "title",
            "summary",
            "language",
            "image",
            "organisation",
            "ecosystems",
            "country",
            "status",
            "published_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: NewsItem) -> str:
        return obj.get_absolute_url()


# The author's name and the rejection reason of anything moderated like news (news items,
# open calls): one place that decides who reads the reason. (A comment, not a docstring: the
# schema would show it as the description of every serializer that uses it.)
class ModeratedDetailFields(serializers.Serializer[Any]):
    author = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, obj: Any) -> str | None:
        return obj.author.display_name if obj.author else None

    @extend_schema_field(serializers.CharField())
    def get_rejection_reason(self, obj: Any) -> str:
        # Only people who may see an unpublished item ever get it, but the reason is
        # moderation detail: published items do not repeat it.
        return obj.rejection_reason if obj.status == ModerationStatus.REJECTED else ""


class NewsDetailSerializer(ModeratedDetailFields, NewsListItemSerializer):
    body_html = RenderedMarkdownField(
        source="body", help_text=_("The body (markdown) as safe HTML.")
    )

    class Meta(NewsListItemSerializer.Meta):
        fields = [
            *NewsListItemSerializer.Meta.fields,
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


class NewsWriteSerializer(serializers.Serializer[NewsItem]):
    """What a client sends to create (POST) or change (PATCH) a news item."""

    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    organisation = RelatedSlugField(
        slug_field="slug",
        queryset=Organisation.objects.filter(status=ModerationStatus.PUBLISHED),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Slug of the organisation you post for (required unless you are staff)."),
        error_messages={"does_not_exist": _("No published organisation “{value}”.")},
    )
    ecosystems = RelatedSlugField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        many=True,
        required=False,
        default=list,
        error_messages={"does_not_exist": _("Unknown ecosystem “{value}”.")},
    )
    country = CountryField(required=False, allow_blank=True, default="")
    language = TextLanguageField(
        required=False,
        help_text=_("The language of the title, summary and text; by default the author's."),
    )
    # Any name: the content decides (validate_image) and the service stores a clean copy.
    image = serializers.FileField(required=False, allow_null=True, default=None)
    submit = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_("Create straight into the review queue instead of as a draft."),
    )

    def validate_image(self, value: UploadedFile | None) -> UploadedFile | None:
        if value:
            try:
                validate_image(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate_body(self, value: str) -> str:
        if len(value) > 100_000:
            raise serializers.ValidationError(_("The body is longer than 100,000 characters."))
        return value

    def to_representation(self, instance: Any) -> Any:
        return NewsDetailSerializer(instance, context=self.context).data


class NewsRejectSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, help_text=_("Shown and emailed to the author.")
    )
