"""Presence: who has a live socket (cache only, never the database)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache

from messaging.selectors.conversations import PRESENCE_KEY, PRESENCE_TTL

if TYPE_CHECKING:
    from community.models import User


def presence_heartbeat(*, user: User) -> None:
    """Record that `user` has a live socket for the next PRESENCE_TTL seconds (cache only)."""
    cache.set(PRESENCE_KEY.format(user.pk), 1, timeout=PRESENCE_TTL)
