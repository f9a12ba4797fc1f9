"""Who may be mentioned in a forum: suggestions for the @ picker of the post forms."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from forums.models import Forum
from forums.selectors.forums import readers_of

MAX_SUGGESTIONS = 10


def mention_candidates(user: Any, forum: Forum, q: str) -> QuerySet[Any]:
    """The readers of `forum` whose name holds every word of `q`, by name, never `user`.

    Only readers: a mention of anyone else would reach nobody (forums.services.topics
    .mentioned_readers), and suggesting them would tell who has an account.
    """
    people = readers_of(forum).exclude(pk=user.pk).exclude(full_name="")
    for word in q.split():
        people = people.filter(Q(full_name__icontains=word))
    return people.order_by("full_name", "pk")
