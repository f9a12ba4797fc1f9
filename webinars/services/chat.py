"""A room's chat: sending (socket action `room.chat.send` and REST, one service) and hiding.

Who may write is decided inside the transaction, after the event row is locked: a host's
removal (webinars.services.rooms) locks the same row first, so once it has committed no
message of the removed person is stored, whichever came first on the wire.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from realtime.events import event_append
from webinars.events import ChatHidden
from webinars.models import ChatMessage, Event
from webinars.selectors.chat import chat_message_payload
from webinars.selectors.rooms import RoomRole, room_is_open, room_role, room_topic

MAX_BODY = 1000
MAX_CLIENT_ID = 64


class ChatWaitError(Exception):
    """The sender must wait `wait` seconds (slow mode or the per-person rate)."""

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message)
        self.message = message
        self.wait = wait


def _wait_message(wait: int) -> str:
    return ngettext(
        "You are sending messages too fast: wait %(n)s second before the next one.",
        "You are sending messages too fast: wait %(n)s seconds before the next one.",
        wait,
    ) % {"n": wait}


def _check_pace(*, event: Event, user: Any, now: Any) -> None:
    """Slow mode (seconds between one person's messages) and the per-minute rate."""
    mine = ChatMessage.objects.filter(event=event, author=user)
    if event.chat_slow_mode_seconds:
        last = mine.order_by("-pk").values_list("created_at", flat=True).first()
        if last is not None:
            ready = last + timedelta(seconds=event.chat_slow_mode_seconds)
            if ready > now:
                wait = max(1, math.ceil((ready - now).total_seconds()))
                raise ChatWaitError(
                    ngettext(
                        "Slow mode is on: wait %(n)s second before your next message.",
                        "Slow mode is on: wait %(n)s seconds before your next message.",
                        wait,
                    )
                    % {"n": wait},
                    wait,
                )
    rate = event.chat_messages_per_minute
    if rate:
        window = list(
            mine.filter(created_at__gt=now - timedelta(minutes=1))
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:rate]
        )
        if len(window) >= rate:
            ready = window[-1] + timedelta(minutes=1)
            wait = max(1, math.ceil((ready - now).total_seconds()))
            raise ChatWaitError(_wait_message(wait), wait)


def chat_send(
    *, user: Any, event: Event, body: str, client_id: str = ""
) -> tuple[ChatMessage, bool]:
    """Store a chat message and append `chat.message` to the room's topic.

    Preconditions: none beyond an authenticated user; the room gate is checked here, inside
    the transaction after locking the event row (removal and end lock it too). A retry with
    the same `client_id` returns the stored message and False. Raises Http404 (not in the
    room, removed, room closed), PermissionDenied (chat muted and not a host or speaker),
    ChatWaitError (slow mode, rate), ValidationError (empty or too long body).
    """
    body = (body or "").strip()
    client_id = (client_id or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a message.")]})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {"body": [_("A message has at most %(n)s characters.") % {"n": MAX_BODY}]}
        )
    if len(client_id) > MAX_CLIENT_ID:
        raise ValidationError(
            {"client_id": [_("A client id has at most %(n)s characters.") % {"n": MAX_CLIENT_ID}]}
        )
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if client_id:
            stored = ChatMessage.objects.filter(author=user, client_id=client_id).first()
            if stored is not None:
                if stored.event_id != locked.pk:
                    raise ValidationError(
                        {"client_id": [_("This client id was used for another message.")]}
                    )
                return stored, False
        role = room_role(user, locked)
        if role is None or not room_is_open(locked):
            raise Http404
        if locked.chat_muted and role == RoomRole.ATTENDEE:
            raise PermissionDenied(_("The hosts muted the chat: only hosts and speakers write."))
        now = timezone.now()
        if role == RoomRole.ATTENDEE:
            _check_pace(event=locked, user=user, now=now)
        try:
            with transaction.atomic():
                message = ChatMessage.objects.create(
                    event=locked, author=user, body=body, client_id=client_id, created_at=now
                )
        except IntegrityError:  # the same client id, concurrently: the other one won
            return ChatMessage.objects.get(author=user, client_id=client_id), False
        event_append(
            topic=room_topic(locked.pk),
            type="chat.message",
            data=dict(chat_message_payload(message, role=str(role))),
        )
    return message, True


def chat_hide(*, host: Any, event: Event, message: ChatMessage) -> ChatMessage:
    """Hide a message (hosts): appends `chat.hidden`. Idempotent: hiding a hidden message
    changes nothing and appends nothing. Precondition: `host` passed the host gate and
    `message` belongs to `event`."""
    with transaction.atomic():
        locked = ChatMessage.objects.select_for_update().get(pk=message.pk, event=event)
        if locked.hidden_at is not None:
            return locked
        locked.hidden_at = timezone.now()
        locked.hidden_by = host
        locked.save(update_fields=["hidden_at", "hidden_by"])
        payload: ChatHidden = {"id": locked.pk}
        event_append(topic=room_topic(event.pk), type="chat.hidden", data=dict(payload))
    return locked
