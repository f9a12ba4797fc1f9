"""Serializers of the forums REST API (forums/api/forums.py). Posts and topics are described
by the same builders as the live events (forums/events.py)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from forums.models import (
    REACTION_EMOJIS,
    TOPIC_FLAG_VERBS,
    ForumKind,
    SubscriptionLevel,
)
from forums.serializers.attachments import (
    PostAttachmentSerializer,
    attachment_ids_field,
    confirm_mentions_field,
)
from forums.serializers.cards import ListingCardSerializer


class UserRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GroupSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    unread_topics = serializers.IntegerField(help_text="Topics with posts you have not read.")
    topic = serializers.CharField(help_text="The live topic of its list: forum_group:<id>.")
    seq = serializers.IntegerField(help_text="That live topic's current seq.")


class ForumSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ForumKind.choices)
    description = serializers.CharField()
    partnership = serializers.CharField(allow_null=True, help_text="The partnership's slug.")
    can_post = serializers.BooleanField()
    unread_topics = serializers.IntegerField(
        help_text="Topics of the forum with posts you have not read (0 for visitors)."
    )


class ForumDetailSerializer(ForumSerializer):
    groups = GroupSerializer(many=True)


class PostSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    topic = serializers.IntegerField()
    author = UserRefSerializer(allow_null=True)
    body = serializers.CharField(
        allow_blank=True, help_text="Markdown; empty once deleted or hidden."
    )
    body_html = serializers.CharField(allow_blank=True)
    reply_to = serializers.IntegerField(allow_null=True)
    language = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted_at = serializers.DateTimeField(allow_null=True)
    hidden = serializers.BooleanField()
    reactions = serializers.DictField(child=serializers.IntegerField())
    attachments = PostAttachmentSerializer(many=True, help_text="Empty once deleted or hidden.")
    cards = ListingCardSerializer(
        many=True,
        help_text="Cards of the ClusterXchange listings the post links to that you may see.",
    )


class TopicSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    group = serializers.IntegerField()
    title = serializers.CharField()
    author = UserRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()
    pinned = serializers.BooleanField()
    locked = serializers.BooleanField()
    hidden = serializers.BooleanField()
    post_count = serializers.IntegerField()


class TopicListItemSerializer(TopicSerializer):
    unread = serializers.IntegerField(help_text="Posts by others you have not read.")
    first_unread_post_id = serializers.IntegerField(
        allow_null=True, help_text="The first of them (jump to /forums/topics/<id>/#unread)."
    )


class TopicDetailSerializer(TopicSerializer):
    live_topic = serializers.CharField(help_text="forum_topic:<id>")
    seq = serializers.IntegerField(help_text="Subscribe with since=seq to follow from here.")
    subscription = serializers.ChoiceField(choices=SubscriptionLevel.choices)
    last_read_post_id = serializers.IntegerField()
    unread = serializers.IntegerField(help_text="Posts by others after last_read_post_id.")
    first_unread_post_id = serializers.IntegerField(allow_null=True)
    merged_into = serializers.IntegerField(
        allow_null=True, help_text="Set once a moderator merged it: the topic its posts joined."
    )


class TopicCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20_000)
    language = serializers.CharField(max_length=10, required=False, default="", allow_blank=True)
    client_id = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    attachments = attachment_ids_field()
    confirm_mentions = confirm_mentions_field()


class PostCreateSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=20_000)
    reply_to = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    language = serializers.CharField(max_length=10, required=False, default="", allow_blank=True)
    client_id = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    attachments = attachment_ids_field()
    confirm_mentions = confirm_mentions_field()


class PostEditSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=20_000)
    attachments = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=10,
        help_text="The files the post keeps (absent: unchanged).",
    )
    confirm_mentions = confirm_mentions_field()


class RevisionSerializer(serializers.Serializer[Any]):
    body = serializers.CharField()
    edited_by = UserRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class ReactionSerializer(serializers.Serializer[Any]):
    emoji = serializers.ChoiceField(choices=[(e, e) for e in REACTION_EMOJIS])


class ReactionCountsSerializer(serializers.Serializer[Any]):
    reactions = serializers.DictField(child=serializers.IntegerField())


class TopicReadSerializer(serializers.Serializer[Any]):
    post_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="Read up to this post; default: the last one.",
    )


class TopicReadResultSerializer(serializers.Serializer[Any]):
    """The `forum.read` event's data (docs/realtime.md, "Reading state") plus `seq`."""

    topic = serializers.IntegerField()
    group = serializers.IntegerField()
    forum = serializers.IntegerField()
    last_read_post_id = serializers.IntegerField(help_text="Your position now.")
    seq = serializers.IntegerField()
    unread = serializers.IntegerField(help_text="Posts of the topic you have still not read.")
    first_unread_post_id = serializers.IntegerField(allow_null=True)
    group_unread_topics = serializers.IntegerField()
    forum_unread_topics = serializers.IntegerField()


class SubscriptionSerializer(serializers.Serializer[Any]):
    level = serializers.ChoiceField(choices=SubscriptionLevel.choices)


class TopicModerateSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=[(v.value, v.label) for v in TOPIC_FLAG_VERBS])
    reason = serializers.CharField(max_length=2000)


class PostModerateSerializer(serializers.Serializer[Any]):
    hidden = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000)


class ModerationActionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    verb = serializers.CharField()
    reason = serializers.CharField()
    moderator = UserRefSerializer(allow_null=True)
    post = serializers.IntegerField(allow_null=True, source="post_id")
    created_at = serializers.DateTimeField()


class PostFlagCreateSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the post needs a moderator's attention."
    )


class PostFlagSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    post = serializers.IntegerField(source="post_id")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    resolved = serializers.BooleanField(help_text="False while it waits in the staff queue.")
