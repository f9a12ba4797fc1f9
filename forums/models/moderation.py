from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forums.models.forums import Forum
from forums.models.topics import Post, Topic


class ModerationVerb(models.TextChoices):
    PIN = "pin", _("Pinned")
    UNPIN = "unpin", _("Unpinned")
    LOCK = "lock", _("Locked")
    UNLOCK = "unlock", _("Unlocked")
    HIDE_TOPIC = "hide_topic", _("Hid the topic")
    UNHIDE_TOPIC = "unhide_topic", _("Showed the topic again")
    HIDE_POST = "hide_post", _("Hid the post")
    UNHIDE_POST = "unhide_post", _("Showed the post again")
    MOVE = "move", _("Moved the topic")
    MERGE = "merge", _("Merged the topic")
    SUSPEND = "suspend", _("Suspended a person")
    LIFT_SUSPENSION = "lift_suspension", _("Lifted a suspension")
    MEMBER_ADD = "member_add", _("Added a member")
    MEMBER_REMOVE = "member_remove", _("Removed a member")


# The verbs of `topic_moderate` (a flag of the topic set or cleared).
TOPIC_FLAG_VERBS = (
    ModerationVerb.PIN,
    ModerationVerb.UNPIN,
    ModerationVerb.LOCK,
    ModerationVerb.UNLOCK,
    ModerationVerb.HIDE_TOPIC,
    ModerationVerb.UNHIDE_TOPIC,
)


class ModerationAction(models.Model):
    """The log of what moderators did in a forum: who, when, what, why."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="moderation_actions")
    # None for what concerns the forum, not one topic (suspensions, members).
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=20, choices=ModerationVerb.choices)
    reason = models.TextField()
    # The person a suspension or a membership change concerns.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What a move or merge changed, for the log: {"from_group", "to_group"} / {"source",
    # "source_title", "posts"} / {"until"}.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["forum", "-created_at"], name="forums_modlog_by_forum")]

    def __str__(self) -> str:
        return f"{self.verb} by {self.moderator_id}: {self.reason[:40]}"


class FlagResolution(models.TextChoices):
    HIDDEN = "hidden", _("The post was hidden")
    DISMISSED = "dismissed", _("Dismissed")


class PostFlag(models.Model):
    """A reader's flag on a post, for staff to review in the moderation queue.

    One open flag per person and post; a resolved flag leaves the queue and stays as a record.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=20, choices=FlagResolution.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="forums_one_open_flag_per_reporter_and_post",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(resolved_at__isnull=True),
                name="forums_open_flags",
            )
        ]

    def __str__(self) -> str:
        return f"flag on post {self.post_id} by {self.reporter_id}"


class ForumSuspension(models.Model):
    """A person suspended from a forum until a date: they still read, but cannot open topics,
    reply, react, flag or edit there. Lifted early by setting `lifted_at`."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="suspensions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_suspensions"
    )
    until = models.DateTimeField()
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["user", "forum", "until"],
                condition=models.Q(lifted_at__isnull=True),
                name="forums_active_suspensions",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} suspended from {self.forum_id} until {self.until:%Y-%m-%d}"
