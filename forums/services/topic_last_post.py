"""A topic's last visible post (`Topic.last_post_id`), kept by the services.

Unread counts compare it with a person's read position (forums.selectors.forums
.unread_by_group): one column instead of a probe of the posts per topic. Every service that
makes a post visible or invisible, or moves it between topics, calls
`topic_last_post_refresh` in its transaction, after the change (docs/decisions.md, "Forum
unread counts from the topic's last post").
"""

from __future__ import annotations

from django.db.models import Subquery

from forums.models import Post, Topic


def topic_last_post_refresh(topic_id: int) -> None:
    """Set the topic's `last_post_id` to its last post neither deleted nor hidden (NULL when
    none): one UPDATE, an index probe of `forum_post_visible`. Call it inside the
    transaction that changed the post, with the topic's row locked."""
    last = (
        Post.objects.filter(topic_id=topic_id, deleted_at__isnull=True, hidden=False)
        .order_by("-pk")
        .values("pk")[:1]
    )
    Topic.objects.filter(pk=topic_id).update(last_post_id=Subquery(last))
