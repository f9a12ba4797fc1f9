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
