"""Services of the live layer: socket tickets for native clients, access revocation, closing
the sockets of a logged-out session or a revoked API token."""

from __future__ import annotations

import secrets
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from realtime.events import control_send, group_for_topic, group_send
from realtime.models import api_token_model

# v2: the value became (user id, API token id). A new prefix, so that during a rolling deploy
# neither version reads the other's tickets (the client is told 4401 and fetches a new one).
TICKET_PREFIX = "ws-ticket:v2:"


class TicketHolder(NamedTuple):
    user: Any
    api_token_id: int | None  # the API token the ticket was issued with, if any


def ticket_issue(*, user: Any, api_token_id: int | None = None) -> str:
    """A single-use ticket a native client puts in the socket URL (`/ws/?ticket=…`).

    Lives REALTIME_TICKET_TTL seconds (30 by default), so no long-lived credential ever
    appears in a URL or a proxy log. Precondition: `user` is authenticated, with the API token
    `api_token_id` when the request came with one: the socket then lives only as long as that
    token (`token_sockets_close`).
    """
    ticket = secrets.token_urlsafe(32)
    cache.set(TICKET_PREFIX + ticket, (user.pk, api_token_id), timeout=settings.REALTIME_TICKET_TTL)
    return ticket


def ticket_redeem(*, ticket: str) -> TicketHolder | None:
    """Who a ticket was issued to, consuming it; None if unknown or used, if the user is no
    longer active, or if the API token it was issued with has been revoked since."""
    if not ticket or len(ticket) > 100:
        return None
    key = TICKET_PREFIX + ticket
    issued = cache.get(key)
    # delete() answers whether this call removed the key: two redeemers cannot both win.
    if issued is None or not cache.delete(key):
        return None
    user_id, api_token_id = issued
    if api_token_id is None:
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    else:  # the user through the token, in one query: none if it was revoked
        token = (
            api_token_model()
            ._default_manager.select_related("user")
            .filter(pk=api_token_id, user_id=user_id, user__is_active=True)
            .first()
        )
        user = None if token is None else token.user  # type: ignore[attr-defined]
    return None if user is None else TicketHolder(user, api_token_id)


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


def subscriptions_recheck(*, user_ids: list[int], kinds: list[str]) -> None:
    """After commit, make every socket of these users re-check all its subscriptions of these
    topic kinds (e.g. `forum_topic`, `forum_group` when a person left a forum): for access
    that ended to topics nobody can list cheaply. Same frames as `subscription_revoke`."""

    def send() -> None:
        for user_id in user_ids:
            control_send(user_id, {"type": "live.recheck", "kinds": list(kinds)})

    transaction.on_commit(send)


def topic_subscribers_recheck(*, topic: str) -> None:
    """After commit, make every socket subscribed to `topic` re-check its access: for a
    change of who may read it (a forum topic moved to another forum), whoever they are."""
    transaction.on_commit(
        lambda: group_send(group_for_topic(topic), {"type": "live.recheck", "topic": topic})
    )


def sessions_close(*, user_id: int, session_key: str | None = None) -> None:
    """Close this user's sockets: those of one session (logout), or all (account disabled)."""
    control_send(user_id, {"type": "live.logout", "session_key": session_key})


def token_sockets_close(*, user_id: int, api_token_id: int) -> None:
    """After commit, close the sockets opened with tickets of this API token (it was revoked)
    with 4401; the user's other sockets stay."""
    message = {"type": "live.token_revoked", "api_token_id": api_token_id}
    transaction.on_commit(lambda: control_send(user_id, message))
