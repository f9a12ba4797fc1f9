"""Moderation of the forums by staff: pin, lock, hide a topic; hide a post. Each action is
logged (ModerationAction: who, when, what, why) and announced live.

Preconditions for every function: the object came through a gate; the moderator is staff
(re-checked: PermissionDenied); a reason is given (ValidationError).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from forums import events
from forums.models import ModerationAction, ModerationVerb, Post, ReadState, Topic
from forums.selectors.forums import user_is_moderator
from forums.services.topic_last_post import topic_last_post_refresh
from realtime.services import subscription_revoke

if TYPE_CHECKING:
    from community.models import User

MAX_REASON_LENGTH = 2000


def _check(moderator: User, reason: str) -> str:
    if not user_is_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, for the moderation log.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("A reason is limited to %(n)s characters.")
                % {"n": f"{MAX_REASON_LENGTH:,}"}
            }
        )
    return reason


_TOPIC_FLAGS = {
    ModerationVerb.PIN: ("pinned", True),
    ModerationVerb.UNPIN: ("pinned", False),
    ModerationVerb.LOCK: ("locked", True),
    ModerationVerb.UNLOCK: ("locked", False),
    ModerationVerb.HIDE_TOPIC: ("hidden", True),
    ModerationVerb.UNHIDE_TOPIC: ("hidden", False),
}


def topic_moderate(*, moderator: User, topic: Topic, verb: str, reason: str) -> Topic:
    """Pin / unpin, lock / unlock, hide / show a topic (`verb`: a topic ModerationVerb).

    Side effects: a ModerationAction; when the flag changed, `topic.updated` on the topic and
    its group. Hiding a topic ends the live subscriptions of those who read it and are not
    moderators (`unsubscribed`, `access_revoked`); everyone else is re-checked within 30 s.
    """
    reason = _check(moderator, reason)
    if verb not in _TOPIC_FLAGS:
        raise ValidationError({"action": _("Unknown moderation action.")})
    field, value = _TOPIC_FLAGS[ModerationVerb(verb)]
    with transaction.atomic():
        topic = (
            Topic.objects.select_for_update(of=("self",))
            .select_related("group__forum", "author")
            .get(pk=topic.pk)
        )
        ModerationAction.objects.create(
            forum=topic.group.forum, topic=topic, moderator=moderator, verb=verb, reason=reason
        )
        if getattr(topic, field) != value:
            setattr(topic, field, value)
            topic.save(update_fields=[field])
            events.append_topic_updated(topic, announce_hidden=field == "hidden")
            if field == "hidden" and value:
                readers = list(
                    ReadState.objects.filter(topic=topic, user__is_staff=False).values_list(
                        "user_id", flat=True
                    )
                )
                subscription_revoke(user_ids=readers, topic=events.topic_topic(topic.pk))
    return topic


def post_moderate(*, moderator: User, post: Post, hidden: bool, reason: str) -> Post:
    """Hide a post from everyone but moderators, or show it again.

    Side effects: a ModerationAction; when it changed, `post.hidden` on the topic (the post
    without its body when hidden; the whole post when shown again) and `topic.updated`.
    """
    reason = _check(moderator, reason)
    with transaction.atomic():
        topic = (
            Topic.objects.select_for_update(of=("self",))
            .select_related("group__forum")
            .get(pk=post.topic_id)
        )
        post = Post.objects.select_for_update(of=("self",)).select_related("author").get(pk=post.pk)
        ModerationAction.objects.create(
            forum=topic.group.forum,
            topic=topic,
            post=post,
            moderator=moderator,
            verb=ModerationVerb.HIDE_POST if hidden else ModerationVerb.UNHIDE_POST,
            reason=reason,
        )
        if post.hidden != hidden:
            post.hidden = hidden
            post.save(update_fields=["hidden"])
            if post.deleted_at is None:
                Topic.objects.filter(pk=topic.pk).update(
                    post_count=F("post_count") + (-1 if hidden else 1)
                )
                topic_last_post_refresh(topic.pk)
                topic.refresh_from_db(fields=["post_count", "last_post_id"])
            events.append_post(topic, events.POST_HIDDEN, events.post_payload(post))
            events.append_topic_updated(topic)
    return post
