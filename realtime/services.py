"""Services of the live layer: socket tickets for native clients, access revocation."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from realtime.events import control_send

TICKET_PREFIX = "ws-ticket:"


def ticket_issue(*, user: Any) -> str:
    """A single-use ticket a native client puts in the socket URL (`/ws/?ticket=…`).

    Lives REALTIME_TICKET_TTL seconds (30 by default), so no long-lived credential ever
    appears in a URL or a proxy log. Precondition: `user` is authenticated.
    """
    ticket = secrets.token_urlsafe(32)
    cache.set(TICKET_PREFIX + ticket, user.pk, timeout=settings.REALTIME_TICKET_TTL)
    return ticket


def ticket_redeem(*, ticket: str) -> Any | None:
    """The active user a ticket was issued to, consuming it; None if unknown or used."""
    if not ticket or len(ticket) > 100:
        return None
    key = TICKET_PREFIX + ticket
    user_id = cache.get(key)
    # delete() answers whether this call removed the key: two redeemers cannot both win.
    if user_id is None or not cache.delete(key):
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def subscription_revoke(*, user_ids: list[int], topic: str) -> None:
    """After commit, make every socket of these users re-check its access to `topic`.

    Services call it when access ends (removed from a conversation, left a partnership).
    Sockets that may no longer see the topic drop the subscription and say so with an
    `unsubscribed` frame (reason `access_revoked`).
    """

    def send() -> None:
        for user_id in user_ids:
            control_send(user_id, {"type": "live.recheck", "topic": topic})

    transaction.on_commit(send)


def sessions_close(*, user_id: int, session_key: str | None = None) -> None:
    """Close this user's sockets: those of one session (logout), or all (account disabled)."""
    control_send(user_id, {"type": "live.logout", "session_key": session_key})
