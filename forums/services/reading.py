"""Writes of the reading state: moving a person's read position, and telling their other
devices (docs/realtime.md, "Reading state").

The position itself is stored by `forums.services.topics.topic_mark_read` (forward only);
this module adds the row lock that keeps concurrent devices from moving it back, and the
persistent `forum.read` event on the person's own `user:<id>` topic, so every page they have
open (another tab, a phone) updates its unread marks and counts within a moment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.db import transaction

from forums.models import ReadState, Topic
from forums.selectors.forums import unread_by_group
from forums.selectors.reading import topic_unread
from forums.services.topics import topic_mark_read
from realtime.events import event_append
from realtime.topics import user_topic

if TYPE_CHECKING:
    from community.models import User

FORUM_READ = "forum.read"


class ForumReadPayload(TypedDict):
    topic: int
    group: int
    forum: int
    last_read_post_id: int
    unread: int  # posts of the topic still unread
    first_unread_post_id: int | None
    group_unread_topics: int  # topics of the group with unread posts
    forum_unread_topics: int  # topics of the forum with unread posts


def topic_read_advance(*, user: User, topic: Topic, post_id: int | None = None) -> dict[str, Any]:
    """Move the person's read position in `topic` to `post_id` (default: its last post);
    never back. Returns the position, the topic's `seq` and the unread figures
    (`ForumReadPayload` plus `seq`).

    Preconditions: `topic` came through a gate (forums.selectors.forums.topic_get_for); the
    user is signed in. Side effects: when the position moved, a `forum.read` event on
    `user:<id>` (after commit); the notifications about the topic are marked read.
    """
    with transaction.atomic():
        # Two devices reading at once: the second waits, then sees the first's position.
        before = (
            ReadState.objects.select_for_update()
            .filter(user=user, topic=topic)
            .values_list("last_read_post_id", flat=True)
            .first()
            or 0
        )
        state = topic_mark_read(user=user, topic=topic, post_id=post_id)
        unread, first_unread = topic_unread(user, topic, state.last_read_post_id)
        groups = unread_by_group(user, topic.group.forum)
        payload: ForumReadPayload = {
            "topic": topic.pk,
            "group": topic.group_id,
            "forum": topic.group.forum_id,
            "last_read_post_id": state.last_read_post_id,
            "unread": unread,
            "first_unread_post_id": first_unread,
            "group_unread_topics": groups.get(topic.group_id, 0),
            "forum_unread_topics": sum(groups.values()),
        }
        if state.last_read_post_id > before:
            event_append(topic=user_topic(user.pk), type=FORUM_READ, data=dict(payload))
    return {**payload, "seq": state.seq}


def topic_opened(*, user: User, topic: Topic) -> None:
    """Note that the person opened the topic, without reading anything: a read state at
    position 0 if they had none (no count changes: no state reads as position 0). Access
    cuts used to revoke the people with a read state; they now re-check by topic or topic
    kind (realtime.services), so this write is no longer needed for them
    (docs/decisions.md). Precondition: `topic` came through a gate."""
    ReadState.objects.get_or_create(user=user, topic=topic)
