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


class ModerationAction(models.Model):
    """The log of what moderators did in a forum: who, when, what, why."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="moderation_actions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=20, choices=ModerationVerb.choices)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

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
