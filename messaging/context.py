"""Template context for the "Messages" link in the header of every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from messaging.selectors.conversations import unread_conversation_count_for


def inbox_badge(request: HttpRequest) -> dict[str, Any]:
    """How many of the person's conversations have unread messages.

    The link's script (config/static/js/inbox-badge.js) follows `inbox.updated` on the
    person's `user:<id>` topic from the position the bell's context gives (`bell.seq`), so
    the two share one subscription and miss nothing between the render and the socket.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_badge": {"unread": unread_conversation_count_for(user)}}
