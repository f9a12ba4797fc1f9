"""Template context for the bell in the header of every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from notifications.selectors import unread_count_for
from realtime.models import TopicCounter
from realtime.topics import user_topic


def bell(request: HttpRequest) -> dict[str, Any]:
    """The unread count and the position of the user's topic the page was rendered at.

    The bell's script subscribes from that position, so nothing that happens between the
    render and the socket's subscription is missed.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    topic = user_topic(user.pk)
    seq = TopicCounter.objects.filter(topic=topic).values_list("last_seq", flat=True).first()
    return {"bell": {"unread": unread_count_for(user), "topic": topic, "seq": seq or 0}}
