from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models.languages import content_language_field
from forums.models.forums import ForumGroup

# The reactions a person may add to a post, one of each per person.
REACTION_EMOJIS = ("👍", "❤️", "🎉", "💡", "👀")


class SubscriptionLevel(models.TextChoices):
    # Every reply (topic) / every new topic (group).
    WATCHING = "watching", _("Watching")
    # Mentions and replies to your posts; unread counts shown.
    TRACKING = "tracking", _("Tracking")
    # Mentions and replies to your posts.
    NORMAL = "normal", _("Normal")
    # Nothing.
    MUTED = "muted", _("Muted")


class Topic(models.Model):
    group = models.ForeignKey(ForumGroup, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(db_index=True)
    pinned = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    # Posts that are neither deleted nor hidden.
    post_count = models.PositiveIntegerField(default=0)
    # The id of the last post neither deleted nor hidden (NULL when none), kept by
    # forums.services.topic_last_post: unread counts compare it with a read position.
    last_post_id = models.BigIntegerField(null=True, blank=True, editable=False)
    language = content_language_field()
    # Set when a moderator merged this topic into another: its posts live there now, and this
    # topic stays as a redirect (out of the lists).
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-pinned", "-last_activity_at", "-pk"]
        indexes = [models.Index(fields=["group", "-pinned", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/forums/topics/{self.pk}/"


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The markdown subset (community.richtext) as typed, and its sanitised HTML.
    body = models.TextField()
    body_html = models.TextField()
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = content_language_field()
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleted by its author: body gone, a tombstone stays so replies keep their place.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Hidden by a moderator: only moderators still see it.
    hidden = models.BooleanField(default=False)
    # What search reads (forums.selectors.search): the words of the topic's title (opening
    # post only) and of the text, folded; PostgreSQL indexes both in `search_document`.
    search_title = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["topic_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~models.Q(client_id=""),
                name="forum_post_client_id_unique",
            ),
        ]
        indexes = [
            # A topic's visible posts in order: its last one (one backward probe,
            # forums.services.topic_last_post) and the unread posts by others of a group
            # page and of a topic (the author is read from the index).
            models.Index(
                fields=["topic", "id"],
                include=["author"],
                condition=models.Q(deleted_at__isnull=True, hidden=False),
                name="forum_post_visible",
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.pk} in {self.topic_id}"

    @property
    def visible(self) -> bool:
        return self.deleted_at is None and not self.hidden


class PostRevision(models.Model):
    """A post's body before an edit: the edit history moderators and the author see."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post_id", "pk"]

    def __str__(self) -> str:
        return f"revision {self.pk} of post {self.post_id}"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=8, choices=[(e, e) for e in REACTION_EMOJIS])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "emoji"], name="forum_reaction_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on post {self.post_id}"


class ReadState(models.Model):
    """How far a person has read a topic: every post up to `last_read_post_id`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_states")
    last_read_post_id = models.BigIntegerField(default=0)
    # The topic's live seq when it was read: a client resumes from it.
    seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="forum_read_state_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.topic_id} to {self.last_read_post_id}"


class TopicSubscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    level = models.CharField(max_length=10, choices=SubscriptionLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="forum_topic_sub_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level} topic {self.topic_id}"


class GroupSubscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(ForumGroup, on_delete=models.CASCADE, related_name="subscriptions")
    level = models.CharField(max_length=10, choices=SubscriptionLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="forum_group_sub_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level} group {self.group_id}"
