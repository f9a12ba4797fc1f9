"""Reads of the reading state: how far a person has read, what is new for them.

A post is unread for a person when it comes after their read position in its topic
(`ReadState.last_read_post_id`), is by someone else, and is neither deleted nor hidden —
the same rule as the counts of forums/selectors/forums.py, which this module calls for the
per-group figures rather than counting again.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from forums.models import Forum, Post, ReadState, Topic
from forums.selectors.forums import unread_by_group
from realtime.models import TopicCounter
from realtime.topics import user_topic


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def read_position(user: Any, topic: Topic) -> int:
    """The last post the person has read in `topic` (0: none, or a visitor)."""
    if not _active(user):
        return 0
    return (
        ReadState.objects.filter(user=user, topic=topic)
        .values_list("last_read_post_id", flat=True)
        .first()
        or 0
    )


def _unread_in(user: Any, topic: Topic, position: int) -> QuerySet[Post]:
    return (
        Post.objects.filter(topic=topic, pk__gt=position, deleted_at__isnull=True, hidden=False)
        .exclude(author=user)
        .order_by("pk")
    )


def topic_unread(user: Any, topic: Topic, position: int | None = None) -> tuple[int, int | None]:
    """(how many posts of `topic` the person has not read, the first of them or None)."""
    if not _active(user):
        return 0, None
    if position is None:
        position = read_position(user, topic)
    ids = list(_unread_in(user, topic, position).values_list("pk", flat=True)[:10_000])
    return len(ids), (ids[0] if ids else None)


def first_unread_by_topic(user: Any, topic_ids: list[int]) -> dict[int, int]:
    """Per topic (of those given) that holds unread posts: the first unread post's id."""
    if not _active(user) or not topic_ids:
        return {}
    position = Coalesce(
        Subquery(
            ReadState.objects.filter(user=user, topic=OuterRef("topic")).values(
                "last_read_post_id"
            )[:1]
        ),
        Value(0),
        output_field=IntegerField(),
    )
    rows = (
        Post.objects.filter(topic__in=topic_ids, deleted_at__isnull=True, hidden=False)
        .exclude(author=user)
        .filter(pk__gt=position)
        .order_by()
        .values("topic")
        .annotate(first=Min("pk"))
    )
    return {row["topic"]: row["first"] for row in rows}


def forum_unread_topics(user: Any, forum: Forum) -> int:
    """Topics of `forum` holding posts the person has not read."""
    return sum(unread_by_group(user, forum).values())


def user_topic_seq(user: Any) -> int:
    """The last seq of the person's `user:<id>` topic (a page resumes from it)."""
    return (
        TopicCounter.objects.filter(topic=user_topic(user.pk))
        .values_list("last_seq", flat=True)
        .first()
        or 0
    )
