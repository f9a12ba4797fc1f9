"""Serializers of forum attachments and mention suggestions (forums/api/attachments.py).
The attachment's description is built by forums.events.attachment_payload, like the live
events'."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from forums.services.attachments import MAX_ATTACHMENTS_PER_POST


class PostAttachmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The uploaded file's name, made safe.")
    content_type = serializers.CharField(help_text="Detected from the content.")
    size = serializers.IntegerField(help_text="Bytes.")
    url = serializers.CharField(help_text="Download (readers of the post only).")
    image = serializers.BooleanField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    thumbnail_url = serializers.CharField(allow_null=True, help_text="Images only.")
    thumbnail_width = serializers.IntegerField(allow_null=True)
    thumbnail_height = serializers.IntegerField(allow_null=True)


class PostAttachmentUploadSerializer(serializers.Serializer[Any]):
    group = serializers.IntegerField(
        min_value=1, help_text="The group (of the forum) the post will be in."
    )
    file = serializers.FileField(help_text="At most 10 MB; see docs/api.md.")


def attachment_ids_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=MAX_ATTACHMENTS_PER_POST,
        help_text="Ids from POST attachments/ (your uploads for this forum).",
    )


def confirm_mentions_field() -> serializers.BooleanField:
    return serializers.BooleanField(
        required=False,
        default=False,
        help_text="Send it although it mentions more than 10 people (see docs/api.md).",
    )


class MentionSuggestionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    mention = serializers.CharField(help_text="What to write in the post: @[Name].")


class MentionSuggestionsSerializer(serializers.Serializer[Any]):
    results = MentionSuggestionSerializer(many=True)
    more = serializers.BooleanField(help_text="More people match: type more to narrow.")
