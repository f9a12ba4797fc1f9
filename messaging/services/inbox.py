"""Writes of each participant's own view of a conversation (the inbox): read position,
archived, muted; and the `inbox.updated` events every write that changes it appends.

Every function here opens the transaction, re-checks the permission it needs (callers have
already fetched the objects through the gates in messaging/selectors/conversations.py, so a
hidden object never reaches a service), writes, and appends the live events in the same
transaction (`realtime.events.event_append`; broadcast after commit).

Lock and event order: see messaging/services/conversations.py.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from messaging import events
from messaging.models import Conversation, Message, MessageKind, Participant
from messaging.selectors.conversations import InboxState, inbox_states, participant_get
from notifications.services import (
    notification_deliveries_cancel_for_target,
    notification_mark_read_for_target,
)
from realtime.events import event_append
from realtime.topics import user_topic

if TYPE_CHECKING:
    from community.models import User


def message_preview(message: Message | None) -> str:
    """The plain-text line an inbox shows for `message` (at most PREVIEW_LENGTH characters)."""
    if message is None or message.deleted_at is not None:
        return ""
    if message.kind == MessageKind.SYSTEM:
        text = message.body
    else:
        text = html.unescape(strip_tags(message.body_html.replace("<", " <")))
    text = " ".join(text.split())
    if not text:
        names = [a.name for a in message.attachments.all()]
        text = ("📎 " + ", ".join(names)) if names else ""
    if len(text) > events.PREVIEW_LENGTH:
        text = text[: events.PREVIEW_LENGTH - 1].rstrip() + "…"
    return text


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _inbox_payload(state: InboxState, last: Message | None, preview: str) -> events.InboxPayload:
    return {
        "conversation": state.conversation_id,
        "unread": state.unread,
        "total_unread": state.total_unread,
        "unread_conversations": state.unread_conversations,
        "preview": preview,
        "message_id": last.pk if last else None,
        "sender": events.user_ref(last.sender) if last else None,
        "last_message_at": _iso(last.created_at) if last else None,
        "muted": state.muted,
        "archived": state.archived,
    }


def _last_message(conversation: Conversation) -> Message | None:
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("sender")
        .order_by("-id")
        .first()
    )


def _append_inbox_events(
    conversation: Conversation,
    *,
    only: Iterable[int] | None = None,
    skip: Iterable[int] = (),
    last: Message | None = None,
) -> None:
    """`inbox.updated` on the user topic of the conversation's active participants (or of
    `only` among them), except `skip`. Four queries plus two per recipient."""
    states = inbox_states(conversation, only=None if only is None else list(only))
    recipients = sorted(set(states) - set(skip))
    if not recipients:
        return
    if last is None:
        last = _last_message(conversation)
    preview = message_preview(last)
    for user_id in recipients:
        event_append(
            topic=user_topic(user_id),
            type=events.INBOX_UPDATED,
            data=dict(_inbox_payload(states[user_id], last, preview)),
        )


def conversation_archive(
    *, user: User, conversation: Conversation, archived: bool = True
) -> Participant:
    """Archive (or unarchive) the conversation for `user` only. A new message that `user`
    may receive unarchives it. Event: `inbox.updated` on the user's topic."""
    with transaction.atomic():
        participant = participant_get(user, conversation)
        if participant.archived != archived:
            participant.archived = archived
            participant.save(update_fields=["archived"])
            _append_inbox_events(conversation, only=[user.pk])
    return participant


def conversation_mute(*, user: User, conversation: Conversation, muted: bool = True) -> Participant:
    """Mute (or unmute) the conversation for `user`: its unread messages no longer count in
    `total_unread` (the badge), and no new message notifies them. Event: `inbox.updated` on
    the user's topic. Muting also cancels the push or email still waiting to tell them about
    this conversation (a chat push waits WEBPUSH_CHAT_GRACE_SECONDS)."""
    with transaction.atomic():
        participant = participant_get(user, conversation)
        if participant.muted != muted:
            participant.muted = muted
            participant.save(update_fields=["muted"])
            _append_inbox_events(conversation, only=[user.pk])
            if muted:
                notification_deliveries_cancel_for_target(
                    user=user, target=conversation, reason="muted before delivery"
                )
    return participant


def conversation_mark_read(
    *, user: User, conversation: Conversation, message_id: int
) -> InboxState:
    """Move `user`'s read position forward to `message_id` (a message of this conversation).

    Never moves backwards (an older id is a no-op without events). Returns the reader's
    inbox state (read position, `unread`, `total_unread`).
    Events: `receipt.updated` on the conversation topic and `inbox.updated` on the reader's
    user topic.
    """
    participant = participant_get(user, conversation)
    try:
        message_id = int(message_id)
    except (TypeError, ValueError):
        raise ValidationError({"message_id": _("A message id is required.")}) from None
    if not Message.objects.filter(pk=message_id, conversation=conversation).exists():
        raise ValidationError({"message_id": _("No such message in this conversation.")})
    with transaction.atomic():
        moved = Participant.objects.filter(
            pk=participant.pk, left_at__isnull=True, last_read_message_id__lt=message_id
        ).update(last_read_message_id=message_id)
        if moved:
            event_append(
                topic=conversation.topic,
                type=events.RECEIPT_UPDATED,
                data={
                    "conversation": conversation.pk,
                    "user": events.user_ref(user),
                    "message_id": message_id,
                },
            )
            _append_inbox_events(conversation, only=[user.pk])
            if (
                not Message.objects.filter(
                    conversation=conversation, pk__gt=message_id, kind=MessageKind.TEXT
                )
                .exclude(sender=user)
                .exists()
            ):
                # Caught up: what we told them about this conversation is read, and a push
                # still waiting for it is not sent.
                notification_mark_read_for_target(user=user, target=conversation)
    state = inbox_states(conversation, only=[user.pk]).get(user.pk)
    if state is None:  # left meanwhile
        raise ValidationError(_("You are no longer in this conversation."))
    return state
