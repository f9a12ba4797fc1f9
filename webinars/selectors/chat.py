"""Reads of a room's chat: the snapshot a client loads before it follows the live topic."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from webinars.events import ChatMessagePayload
from webinars.models import ChatMessage, Event
from webinars.selectors.rooms import room_roles_of

CHAT_SNAPSHOT_SIZE = 200  # the latest messages a client loads; older ones are not shown


def chat_messages_for(*, event: Event, include_hidden: bool) -> QuerySet[ChatMessage]:
    messages = ChatMessage.objects.filter(event=event).select_related("author")
    if not include_hidden:
        messages = messages.filter(hidden_at__isnull=True)
    return messages


def chat_latest_for(*, event: Event, include_hidden: bool) -> list[ChatMessage]:
    """The latest CHAT_SNAPSHOT_SIZE messages, oldest first."""
    latest = chat_messages_for(event=event, include_hidden=include_hidden).order_by("-pk")
    return list(reversed(latest[:CHAT_SNAPSHOT_SIZE]))


def public_name(user: Any) -> str:
    """The name the room shows (as presence frames do: never an e-mail address)."""
    return str(getattr(user, "display_name", None) or f"user {user.pk}")


def chat_message_payload(message: ChatMessage, *, role: str) -> ChatMessagePayload:
    return {
        "id": message.pk,
        "author": {"id": message.author_id, "name": public_name(message.author), "role": role},
        "body": message.body,
        "created_at": message.created_at.isoformat(),
        "hidden": message.hidden_at is not None,
    }


def chat_payloads(event: Event, messages: list[ChatMessage]) -> list[ChatMessagePayload]:
    """Payloads of `messages`, with each author's room role now (one query for all)."""
    roles: dict[int, Any] = room_roles_of(event, [m.author_id for m in messages])
    return [chat_message_payload(m, role=str(roles.get(m.author_id, "attendee"))) for m in messages]
