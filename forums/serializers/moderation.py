"""Serializers of the forum moderation API (forums/api/moderation.py): move, merge,
suspensions, the forum's moderation log, the FCAN's members."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from forums.models import ModerationVerb
from forums.serializers.forums import UserRefSerializer

REASON_HELP = "Why, for the moderation log (required)."


class TopicMoveSerializer(serializers.Serializer[Any]):
    group = serializers.IntegerField(min_value=1, help_text="The id of the destination group.")
    reason = serializers.CharField(max_length=2000, help_text=REASON_HELP)


class TopicMergeSerializer(serializers.Serializer[Any]):
    target = serializers.IntegerField(
        min_value=1, help_text="The id of the topic that receives the posts."
    )
    reason = serializers.CharField(max_length=2000, help_text=REASON_HELP)


class ForumModerationActionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    verb = serializers.ChoiceField(choices=ModerationVerb.choices)
    verb_label = serializers.CharField(help_text="The verb in the caller's language.")
    reason = serializers.CharField(allow_blank=True)
    moderator = UserRefSerializer(allow_null=True)
    topic = serializers.IntegerField(allow_null=True)
    post = serializers.IntegerField(allow_null=True)
    subject = UserRefSerializer(allow_null=True, help_text="The person suspended, added…")
    details = serializers.DictField(
        help_text="move: from_group, to_group, from_forum; merge: source, source_title, "
        "posts; suspend: until, suspension; lift_suspension: suspension."
    )
    created_at = serializers.DateTimeField()


class SuspensionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    forum = serializers.CharField(help_text="The forum's slug.")
    user = UserRefSerializer()
    until = serializers.DateTimeField()
    reason = serializers.CharField()
    by = UserRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField(help_text="Running now: not lifted, not yet ended.")


class SuspensionCreateSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(min_value=1, help_text="The id of the person.")
    until = serializers.DateTimeField(help_text="When it ends (ISO 8601, in the future).")
    reason = serializers.CharField(max_length=2000, help_text=REASON_HELP)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, help_text=REASON_HELP)


class ForumMemberSerializer(serializers.Serializer[Any]):
    user = UserRefSerializer()
    added_at = serializers.DateTimeField()


class ForumMemberAddSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(min_value=1, help_text="The id of the person.")
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
