"""Serializers for the ClusterXchange listings API: input validation and answer shapes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Ecosystem, ModerationStatus, Organisation
from community.serializers.fields import RelatedSlugField, RenderedMarkdownField, TextLanguageField
from messaging.models import Listing, ListingCategory, ListingKind
from messaging.selectors.listings import (
    listing_can_delete,
    listing_can_edit,
    listing_interest_refusal,
    listing_is_following,
    listing_is_live,
)


class ListingOrganisationSerializer(serializers.ModelSerializer[Organisation]):
    country = CountryField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["slug", "name", "acronym", "country", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: Organisation) -> str:
        return obj.get_absolute_url()


class ListingSerializer(serializers.ModelSerializer[Listing]):
    """A listing as lists and the detail show it. `description` is the markdown subset as
    typed, `description_html` the same shown as safe HTML."""

    organisation = ListingOrganisationSerializer(read_only=True)
    author = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    ecosystems: Any = RelatedSlugField(slug_field="slug", many=True, read_only=True)
    target_countries = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField(
        help_text=_("Open, not past its closing date, and its organisation is published.")
    )
    is_following = serializers.SerializerMethodField()
    language = TextLanguageField(read_only=True)
    url = serializers.SerializerMethodField()
    description_html = RenderedMarkdownField(
        source="description", help_text=_("The description (markdown) as safe HTML.")
    )

    class Meta:
        model = Listing
        fields = [
            "id",
            "kind",
            "kind_label",
            "category",
            "category_label",
            "title",
            "description",
            "description_html",
            "organisation",
            "author",
            "ecosystems",
            "target_countries",
            "valid_until",
            "language",
            "status",
            "is_open",
            "is_following",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, obj: Listing) -> str | None:
        return obj.author.display_name if obj.author else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_target_countries(self, obj: Listing) -> list[str]:
        return [c.code for c in obj.target_countries]

    @extend_schema_field(serializers.BooleanField())
    def get_is_open(self, obj: Listing) -> bool:
        return listing_is_live(obj)

    @extend_schema_field(serializers.BooleanField())
    def get_is_following(self, obj: Listing) -> bool:
        request = self.context.get("request")
        return bool(request and listing_is_following(request.user, obj))

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: Listing) -> str:
        return obj.get_absolute_url()


class ListingPermissionsSerializer(serializers.Serializer[Any]):
    edit = serializers.BooleanField(help_text=_("Edit, close and reopen."))
    delete = serializers.BooleanField()
    follow = serializers.BooleanField()
    express_interest = serializers.BooleanField()


class ListingDetailSerializer(ListingSerializer):
    permissions = serializers.SerializerMethodField(
        help_text=_("What the caller may do with this listing.")
    )

    class Meta(ListingSerializer.Meta):
        fields = [*ListingSerializer.Meta.fields, "permissions"]
        read_only_fields = fields

    @extend_schema_field(ListingPermissionsSerializer)
    def get_permissions(self, obj: Listing) -> dict[str, bool]:
        request = self.context.get("request")
        user: Any = request.user if request else None
        authenticated = bool(user and user.is_authenticated)
        return {
            "edit": authenticated and listing_can_edit(user, obj),
            "delete": authenticated and listing_can_delete(user, obj),
            "follow": authenticated,
            "express_interest": authenticated and listing_interest_refusal(user, obj) is None,
        }


class ListingWriteSerializer(serializers.Serializer[Listing]):
    """What a client sends to create (POST) or change (PATCH) a listing."""

    organisation = RelatedSlugField(
        slug_field="slug",
        queryset=Organisation.objects.filter(status=ModerationStatus.PUBLISHED),
        required=False,
        help_text=_(
            "Slug of the organisation you post for; may be left out when you belong to one "
            "published organisation only. Cannot be changed later."
        ),
        error_messages={"does_not_exist": _("No published organisation “{value}”.")},
    )
    kind = serializers.ChoiceField(
        choices=ListingKind.choices,
        error_messages={"invalid_choice": _("Unknown kind “{input}”.")},
    )
    category = serializers.ChoiceField(
        choices=ListingCategory.choices,
        error_messages={"invalid_choice": _("Unknown category “{input}”.")},
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=20_000,
        help_text=_(
            "The markdown subset of docs/api.md (bold, italic, lists, links, headings, "
            "quotes); HTML is shown as text."
        ),
    )
    ecosystems = RelatedSlugField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": _("Unknown ecosystem “{value}”.")},
    )
    target_countries = serializers.ListField(
        # Checked by the service (a CountryField child would add a second country enum).
        child=serializers.CharField(max_length=2),
        required=False,
        help_text=_("ISO 3166-1 alpha-2 codes; empty means any country."),
    )
    valid_until = serializers.DateField(
        required=False, allow_null=True, help_text=_("Last day the listing is open; not past.")
    )
    language = TextLanguageField(
        required=False,
        help_text=_("The language of the title and description; by default the author's."),
    )


class ListingInterestSerializer(serializers.Serializer[Any]):
    message = serializers.CharField(max_length=5000, help_text=_("The first message."))
    client_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Client-generated id (e.g. a UUID); a retry with it is stored once."),
    )


class ListingInterestResultSerializer(serializers.Serializer[Any]):
    conversation = serializers.IntegerField(help_text=_("Id of the conversation."))
    url = serializers.CharField(help_text=_("Page of the conversation."))
