"""Search provider: forum posts.

Gate and matching: the forum search's own (forums.selectors.search `post_search`): posts in
the forums `forum_list_for` lets the person read (members-only forums for their members),
hidden topics and posts for moderators only, never a deleted post; the words matched as the
forum search matches them (folded, each word as a word's beginning, over the stored words
and their index), so the global search finds what the forum search finds.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from forums.models import Post
from forums.selectors.search import PostSearchParams, post_plain_text, post_search
from sitesearch.selectors.registry import Hit, Query, marked, register, snippet


class ForumPostProvider:
    kind = "forum_posts"
    label = _("Forum posts")
    priority = 60

    def matches(self, user: Any, query: Query) -> QuerySet[Post]:
        if not query.words:  # the forum search needs a word of two letters or more
            return Post.objects.none()
        return post_search(user, PostSearchParams(q=query.text, words=query.words))

    def hit(self, row: Post, query: Query) -> Hit:
        topic = row.topic
        group = topic.group
        hidden = row.hidden or topic.hidden
        return Hit(
            kind=self.kind,
            id=row.pk,
            title=topic.title,
            title_html=marked(topic.title, query),
            snippet=snippet(query, post_plain_text(row.body_html)),
            url=f"{topic.get_absolute_url()}#post-{row.pk}",
            date=row.created_at,
            context=f"{group.forum.label} · {group.label}",
            # Translators: a forum post or topic hidden by a moderator (moderators see it).
            status=str(_("Hidden")) if hidden else "",
        )


register(ForumPostProvider())
