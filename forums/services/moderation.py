"""Moderation of the forums by staff: pin, lock, hide, move, merge a topic; hide a post;
suspend a person from a forum. Each action is logged (ModerationAction: who, when, what, why)
and announced live.

Preconditions for every function: the object came through a gate; the moderator is staff
(re-checked: PermissionDenied); a reason is given (ValidationError).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from forums import events
from forums.models import (
    ForumGroup,
    ForumSuspension,
    ModerationAction,
    ModerationVerb,
    Post,
    ReadState,
    Topic,
    TopicSubscription,
)
from forums.selectors.cards import post_cards_for
from forums.selectors.forums import forum_can_read, user_is_moderator
from forums.services.topic_last_post import topic_last_post_refresh
from realtime.events import event_append
from realtime.services import topic_subscribers_recheck

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
    its group. Hiding a topic makes every socket subscribed to it re-check its access after
    commit: all but moderators are cut (`unsubscribed`, `access_revoked`) at once.
    """
    reason = _check(moderator, reason)
    if verb not in _TOPIC_FLAGS or topic.merged_into_id is not None:
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
                # Whoever follows it, on any process, re-checks: only staff stay.
                topic_subscribers_recheck(topic=events.topic_topic(topic.pk))
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


def _lock_topic(topic_id: int) -> Topic:
    return (
        Topic.objects.select_for_update(of=("self",))
        .select_related("group__forum", "author")
        .get(pk=topic_id)
    )


def topic_move(*, moderator: User, topic: Topic, group: ForumGroup, reason: str) -> Topic:
    """Move a topic to another group, possibly of another forum.

    Preconditions: `topic` and `group` came through gates; the moderator is staff
    (re-checked). Side effects: a ModerationAction (`details`: from_group, to_group);
    `topic.moved` on the topic and on the old group (`to_group` only when the forum stays the
    same, so a frame never names a group of a forum the reader may not read), `topic.created`
    on the new group. When the forum changes, every socket subscribed to the topic re-checks
    its access after commit: who cannot read the new forum is cut (`unsubscribed`,
    `access_revoked`) at once.
    """
    reason = _check(moderator, reason)
    with transaction.atomic():
        topic = _lock_topic(topic.pk)
        if topic.merged_into_id is not None:
            raise ValidationError({"topic": _("This topic was merged into another one.")})
        old = topic.group
        if group.pk == old.pk:
            raise ValidationError({"group": _("The topic is already in this group.")})
        group = ForumGroup.objects.select_related("forum").get(pk=group.pk)
        same_forum = group.forum_id == old.forum_id
        topic.group = group
        topic.save(update_fields=["group"])
        ModerationAction.objects.create(
            forum=group.forum,
            topic=topic,
            moderator=moderator,
            verb=ModerationVerb.MOVE,
            reason=reason,
            details={"from_group": old.pk, "to_group": group.pk, "from_forum": old.forum_id},
        )
        moved = {
            "id": topic.pk,
            "from_group": old.pk,
            "to_group": group.pk if same_forum else None,
            "url": topic.get_absolute_url(),
        }
        event_append(topic=events.topic_topic(topic.pk), type=events.TOPIC_MOVED, data=moved)
        if not topic.hidden:
            event_append(topic=events.group_topic(old.pk), type=events.TOPIC_MOVED, data=moved)
            event_append(
                topic=events.group_topic(group.pk),
                type=events.TOPIC_CREATED,
                data=dict(events.topic_payload(topic)),
            )
        if not same_forum:
            topic_subscribers_recheck(topic=events.topic_topic(topic.pk))
            # Levels chosen for a topic one can no longer read would only leak notifications.
            gone = [
                s.user
                for s in TopicSubscription.objects.filter(topic=topic).select_related("user")
                if not forum_can_read(s.user, group.forum)
            ]
            TopicSubscription.objects.filter(topic=topic, user__in=gone).delete()
    return topic


def topic_merge(*, moderator: User, source: Topic, target: Topic, reason: str) -> Topic:
    """Merge `source` into `target`: its posts join the target's, in the order they were
    written (posts are ordered by id); `source` stays as a redirect (`merged_into`), out of
    the lists.

    Read states: a person who had read the target keeps their position there; one who had
    only read the source gets the source's position (the posts they had read stay read).
    Subscriptions: a level chosen for the source carries over unless one was chosen for the
    target. Preconditions: both came through gates, the moderator is staff (re-checked).
    Side effects: a ModerationAction on the target (`details`: source, source_title, posts);
    `post.created` on the target for every moved post, in order, then `topic.updated` on the
    target and its group; `topic.updated` with `merged_into` and `merged_into_url` on the
    source and its group, so its readers are told where it went.
    """
    reason = _check(moderator, reason)
    if source.pk == target.pk:
        raise ValidationError({"target": _("A topic cannot be merged into itself.")})
    with transaction.atomic():
        # Both rows locked, in id order (two merges in opposite directions cannot deadlock).
        locked = {t.pk: _lock_topic(t.pk) for t in sorted([source, target], key=lambda t: t.pk)}
        source, target = locked[source.pk], locked[target.pk]
        if source.merged_into_id is not None or target.merged_into_id is not None:
            raise ValidationError({"target": _("This topic was merged into another one.")})
        moved = list(Post.objects.filter(topic=source).order_by("pk").values_list("pk", flat=True))
        Post.objects.filter(topic=source).update(topic=target)
        visible = Post.objects.filter(topic=target, deleted_at__isnull=True, hidden=False)
        last = Post.objects.filter(topic=target).aggregate(last=Max("created_at"))["last"]
        target.post_count = visible.count()
        target.last_activity_at = max(target.last_activity_at, last or target.last_activity_at)
        target.save(update_fields=["post_count", "last_activity_at"])
        source.merged_into = target
        source.post_count = 0
        source.save(update_fields=["merged_into", "post_count"])
        _carry_over_reading(source, target)
        _authors_read_own_posts(target, moved)
        # Unread counts compare read positions with the topic's last visible post.
        topic_last_post_refresh(source.pk)
        topic_last_post_refresh(target.pk)
        ModerationAction.objects.create(
            forum=target.group.forum,
            topic=target,
            moderator=moderator,
            verb=ModerationVerb.MERGE,
            reason=reason,
            details={"source": source.pk, "source_title": source.title, "posts": len(moved)},
        )
        posts = list(
            Post.objects.filter(pk__in=moved)
            .select_related("author")
            .prefetch_related("reactions", "attachments")
            .order_by("pk")
        )
        cards = post_cards_for(None, posts)  # one query for every moved post's cards
        for post in posts:
            payload = events.post_payload(post, cards=cards.get(post.pk, []))
            events.append_post(target, events.POST_CREATED, payload)
        events.append_topic_updated(target)
        gone: dict[str, Any] = {
            **events.topic_payload(source),
            "merged_into": target.pk,
            "merged_into_url": target.get_absolute_url(),
        }
        event_append(topic=events.topic_topic(source.pk), type=events.TOPIC_UPDATED, data=gone)
        if not source.hidden:
            event_append(
                topic=events.group_topic(source.group_id), type=events.TOPIC_UPDATED, data=gone
            )
    return target


def _carry_over_reading(source: Topic, target: Topic) -> None:
    has_state = set(ReadState.objects.filter(topic=target).values_list("user_id", flat=True))
    for state in ReadState.objects.filter(topic=source).exclude(user_id__in=has_state):
        ReadState.objects.create(
            user_id=state.user_id, topic=target, last_read_post_id=state.last_read_post_id
        )
    has_level = set(
        TopicSubscription.objects.filter(topic=target).values_list("user_id", flat=True)
    )
    TopicSubscription.objects.filter(topic=source).exclude(user_id__in=has_level).update(
        topic=target
    )


def _authors_read_own_posts(target: Topic, moved: list[int]) -> None:
    """A post of one's own is never unread (docs/decisions.md, "Forum unread counts from the
    topic's last post"): each author of a moved post reads the target at least up to their
    last moved post, as replying there would have left them."""
    last_own = (
        Post.objects.filter(pk__in=moved, author__isnull=False)
        .values("author_id")
        .annotate(last=Max("pk"))
        .order_by()
    )
    for row in last_own:
        state, created = ReadState.objects.get_or_create(
            user_id=row["author_id"], topic=target, defaults={"last_read_post_id": row["last"]}
        )
        if not created and state.last_read_post_id < row["last"]:
            ReadState.objects.filter(pk=state.pk).update(last_read_post_id=row["last"])


def suspension_create(
    *, moderator: User, forum: Any, user: User, until: datetime.datetime, reason: str
) -> ForumSuspension:
    """Suspend `user` from `forum` until `until`: they keep reading, but cannot open topics,
    reply, react, flag or edit there (forums.selectors.moderation.suspension_check).

    Preconditions: the moderator is staff (re-checked); `until` is in the future; staff are
    not suspended (ValidationError). Side effect: a ModerationAction (`subject`, `details`:
    until). No live event: the person's open pages learn it from the refusal of their next
    write, which says until when.
    """
    reason = _check(moderator, reason)
    if timezone.is_naive(until):
        until = timezone.make_aware(until)
    if until <= timezone.now():
        raise ValidationError({"until": _("Choose a date in the future.")})
    if user_is_moderator(user):
        raise ValidationError({"user": _("Moderators cannot be suspended.")})
    with transaction.atomic():
        suspension = ForumSuspension.objects.create(
            forum=forum, user=user, until=until, reason=reason, by=moderator
        )
        ModerationAction.objects.create(
            forum=forum,
            moderator=moderator,
            verb=ModerationVerb.SUSPEND,
            reason=reason,
            subject=user,
            details={"until": until.isoformat(), "suspension": suspension.pk},
        )
    return suspension


def suspension_lift(
    *, moderator: User, suspension: ForumSuspension, reason: str
) -> ForumSuspension:
    """End a suspension early. Preconditions: the moderator is staff (re-checked). Lifting
    one already lifted changes nothing. Side effect: a ModerationAction."""
    reason = _check(moderator, reason)
    with transaction.atomic():
        suspension = ForumSuspension.objects.select_for_update().get(pk=suspension.pk)
        if suspension.lifted_at is not None:
            return suspension
        suspension.lifted_at = timezone.now()
        suspension.lifted_by = moderator
        suspension.save(update_fields=["lifted_at", "lifted_by"])
        ModerationAction.objects.create(
            forum_id=suspension.forum_id,
            moderator=moderator,
            verb=ModerationVerb.LIFT_SUSPENSION,
            reason=reason,
            subject_id=suspension.user_id,
            details={"suspension": suspension.pk},
        )
    return suspension
