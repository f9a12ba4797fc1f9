"""Serializers of the desk API: what an asker and the staff send and see.

The asker's shape never carries an internal note, the assignee's name or the overdue clock;
the staff's shape adds them (EnquiryStaffSerializer).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Ecosystem
from community.richtext import MAX_LENGTH
from community.serializers.fields import RelatedSlugField, RenderedMarkdownField
from hub.models import Enquiry, EnquiryCloseReason, EnquiryMessage
from hub.selectors.enquiries import enquiry_is_overdue, enquiry_messages_for


class EnquiryCreateSerializer(serializers.Serializer[Any]):
    country = CountryField(help_text=_("ISO 3166-1 alpha-2 code of the target country."))
    ecosystem = RelatedSlugField(
        slug_field="slug",
        queryset=Ecosystem.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Slug of the sector (industrial ecosystem)."),
        error_messages={"does_not_exist": _("Unknown ecosystem “{value}”.")},
    )
    subject = serializers.CharField(max_length=200)
    question = serializers.CharField(max_length=MAX_LENGTH, help_text=_("Markdown."))
    name = serializers.CharField(
        max_length=150, required=False, help_text=_("Required without an account.")
    )
    email = serializers.EmailField(required=False, help_text=_("Required without an account."))
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The language to write to you in (default: the request's)."),
    )


class EnquiryBodySerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=MAX_LENGTH, help_text=_("Markdown."))


class EnquiryAssignSerializer(serializers.Serializer[Any]):
    assignee = serializers.IntegerField(help_text=_("The id of a staff member."))


class EnquiryCloseSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=EnquiryCloseReason.choices)


class EnquiryAssigneeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EnquiryMessageSerializer(serializers.ModelSerializer[EnquiryMessage]):
    author = serializers.SerializerMethodField()
    body_html = RenderedMarkdownField(source="body", help_text=_("The text as safe HTML."))

    class Meta:
        model = EnquiryMessage
        fields = ["id", "kind", "author", "body", "body_html", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, obj: EnquiryMessage) -> str | None:
        """The staff member's or member's name; null for a visitor."""
        return obj.author.display_name if obj.author is not None else None


class EnquiryListItemSerializer(serializers.ModelSerializer[Enquiry]):
    reference = serializers.CharField(read_only=True)
    country = CountryField(read_only=True)
    ecosystem: RelatedSlugField[Ecosystem] = RelatedSlugField(
        slug_field="slug", read_only=True, allow_null=True
    )
    close_reason = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Enquiry
        fields = [
            "id",
            "reference",
            "subject",
            "country",
            "ecosystem",
            "state",
            "received_at",
            "first_answered_at",
            "closed_at",
            "close_reason",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=EnquiryCloseReason.choices, allow_null=True)
    )
    def get_close_reason(self, obj: Enquiry) -> str | None:
        """Why it was closed; null while it is not."""
        return obj.close_reason or None


class EnquiryDetailSerializer(EnquiryListItemSerializer):
    """An enquiry as its asker sees it: no internal note."""

    question_html = RenderedMarkdownField(source="question", help_text=_("As safe HTML."))
    messages = serializers.SerializerMethodField()

    class Meta(EnquiryListItemSerializer.Meta):
        fields = [
            *EnquiryListItemSerializer.Meta.fields,
            "name",
            "organisation",
            "question",
            "question_html",
            "messages",
        ]
        read_only_fields = fields

    def _staff(self) -> bool:
        return False

    @extend_schema_field(EnquiryMessageSerializer(many=True))
    def get_messages(self, obj: Enquiry) -> list[dict[str, Any]]:
        rows = enquiry_messages_for(self._staff(), obj)
        return list(EnquiryMessageSerializer(rows, many=True).data)


STAFF_FIELDS = [
    "name",
    "organisation",
    "email",
    "language",
    "is_member",
    "assignee",
    "waiting_since",
    "age_seconds",
    "overdue",
]


class StaffFields(serializers.Serializer[Enquiry]):
    """What staff see besides the asker's view: the address, the assignee and the clock."""

    assignee = serializers.SerializerMethodField()
    is_member = serializers.SerializerMethodField()
    age_seconds = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    @extend_schema_field(EnquiryAssigneeSerializer(allow_null=True))
    def get_assignee(self, obj: Enquiry) -> dict[str, Any] | None:
        if obj.assignee is None:
            return None
        return {"id": obj.assignee.pk, "name": obj.assignee.display_name}

    @extend_schema_field(serializers.BooleanField())
    def get_is_member(self, obj: Enquiry) -> bool:
        return obj.asker_id is not None

    @extend_schema_field(serializers.IntegerField())
    def get_age_seconds(self, obj: Enquiry) -> int:
        return int((timezone.now() - obj.received_at).total_seconds())

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj: Enquiry) -> bool:
        return enquiry_is_overdue(obj)


class EnquiryQueueItemSerializer(StaffFields, EnquiryListItemSerializer):
    """A row of the staff queue."""

    class Meta(EnquiryListItemSerializer.Meta):
        fields = [*EnquiryListItemSerializer.Meta.fields, *STAFF_FIELDS]
        read_only_fields = fields


class EnquiryStaffSerializer(StaffFields, EnquiryDetailSerializer):
    """An enquiry as staff see it, internal notes included."""

    class Meta(EnquiryDetailSerializer.Meta):
        fields = [
            *EnquiryDetailSerializer.Meta.fields,
            *[name for name in STAFF_FIELDS if name not in EnquiryDetailSerializer.Meta.fields],
        ]
        read_only_fields = fields

    def _staff(self) -> bool:
        return True
