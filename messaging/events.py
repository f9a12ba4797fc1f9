"""ClusterXchange on the live layer: topic names and the payloads of its events.

Topics (docs/realtime.md, "ClusterXchange"):

- `conversation:<id>` — what happens inside one conversation; active participants only.
  Events: `message.created`, `message.edited`, `message.deleted`, `receipt.updated`,
  `participant.added`, `participant.removed`, `participant.updated`,
  `conversation.updated`. Signal: `typing`.
- `user:<id>` (the live layer's per-user topic) — the inbox of one person.
  Events: `conversation.created`, `conversation.left`, `inbox.updated`.

Payloads are built here, once, from model instances, so the event and the REST API describe
a message the same way (tests compare them). Services call the builders inside their
transaction and hand the result to `realtime.events.event_append`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypedDict

from django.urls import reverse

if TYPE_CHECKING:
    from community.models import User
    from messaging.models import Attachment, Conversation, Message, Participant

# Inbox previews are plain text, at most this many characters.
PREVIEW_LENGTH = 120

# Event types (stable: part of the public protocol).
MESSAGE_CREATED = "message.created"
MESSAGE_EDITED = "message.edited"
MESSAGE_DELETED = "message.deleted"
RECEIPT_UPDATED = "receipt.updated"
PARTICIPANT_ADDED = "participant.added"
PARTICIPANT_REMOVED = "participant.removed"
PARTICIPANT_UPDATED = "participant.updated"
CONVERSATION_UPDATED = "conversation.updated"
CONVERSATION_CREATED = "conversation.created"
CONVERSATION_LEFT = "conversation.left"
INBOX_UPDATED = "inbox.updated"


def conversation_topic(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


class UserRef(TypedDict):
    id: int
    name: str


class AttachmentPayload(TypedDict):
    id: int
    name: str
    size: int
    content_type: str
    url: str  # the gated download URL (participants only)


class MessagePayload(TypedDict):
    """`message.created` on `conversation:<id>`; also one item of the REST history."""

    id: int
    conversation: int
    kind: str  # "text" | "system"
    sender: UserRef | None  # None for a deleted account
    body: str  # the markdown source as typed ("" once deleted)
    body_html: str  # rendered and sanitised ("" once deleted)
    reply_to: int | None
    attachments: list[AttachmentPayload]
    created_at: str  # ISO 8601
    edited_at: str | None
    deleted_at: str | None
    client_id: str


class MessageEditedPayload(TypedDict):
    id: int
    conversation: int
    body: str
    body_html: str
    edited_at: str


class MessageDeletedPayload(TypedDict):
    id: int
    conversation: int
    deleted_at: str


class ReceiptPayload(TypedDict):
    conversation: int
    user: UserRef
    message_id: int  # the reader has read every message up to and including this id


class ParticipantChangePayload(TypedDict):
    conversation: int
    user: UserRef
    by: UserRef | None  # who added / removed them; for a leave, the person themselves
    is_admin: bool
    reason: Literal["added", "removed", "left", "promoted"]


class ConversationUpdatedPayload(TypedDict):
    conversation: int
    title: str
    by: UserRef


class ListingRef(TypedDict):
    id: int
    title: str
    kind: str


class ParticipantRef(TypedDict):
    id: int
    name: str
    is_admin: bool
    last_read_message_id: int


class ConversationPayload(TypedDict):
    """`conversation.created` on `user:<id>`: a conversation appeared in this inbox."""

    id: int
    title: str
    is_group: bool
    listing: ListingRef | None
    created_by: UserRef | None
    created_at: str
    last_message_at: str | None
    participants: list[ParticipantRef]
    topic: str
    reason: Literal["created", "added"]


class ConversationLeftPayload(TypedDict):
    """`conversation.left` on `user:<id>`: drop this conversation from the inbox."""

    conversation: int
    reason: Literal["removed", "left"]


class InboxPayload(TypedDict):
    """`inbox.updated` on `user:<id>`: one conversation's line in the inbox, and the badge."""

    conversation: int
    unread: int  # this conversation's unread messages for the recipient
    total_unread: int  # over all active conversations that are not muted
    unread_conversations: int  # those of them with an unread message (the header's badge)
    preview: str  # plain text of the last message, <= PREVIEW_LENGTH characters
    message_id: int | None  # the last message's id
    sender: UserRef | None  # the last message's sender
    last_message_at: str | None
    muted: bool
    archived: bool


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def user_ref(user: User | None) -> UserRef | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name}


def attachment_url(attachment_id: int) -> str:
    return reverse("xchange-attachment-download", kwargs={"pk": attachment_id})


def attachment_payload(attachment: Attachment) -> AttachmentPayload:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "url": attachment_url(attachment.pk),
    }


def message_payload(
    message: Message, attachments: list[Attachment] | None = None
) -> MessagePayload:
    """Expects `sender` selected and `attachments` prefetched (or given) for many."""
    deleted = message.deleted_at is not None
    files = message.attachments.all() if attachments is None else attachments
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "kind": message.kind,
        "sender": user_ref(message.sender),
        "body": "" if deleted else message.body,
        "body_html": "" if deleted else message.body_html,
        "reply_to": message.reply_to_id,
        "attachments": [] if deleted else [attachment_payload(a) for a in files],
        "created_at": message.created_at.isoformat(),
        "edited_at": _iso(message.edited_at),
        "deleted_at": _iso(message.deleted_at),
        "client_id": message.client_id,
    }


def listing_ref(conversation: Conversation) -> ListingRef | None:
    listing = conversation.listing
    if listing is None:
        return None
    return {"id": listing.pk, "title": listing.title, "kind": listing.kind}


def participant_ref(participant: Participant) -> ParticipantRef:
    return {
        "id": participant.user_id,
        "name": participant.user.display_name,
        "is_admin": participant.is_admin,
        "last_read_message_id": participant.last_read_message_id,
    }


def conversation_payload(
    conversation: Conversation,
    participants: list[Participant],
    reason: Literal["created", "added"],
) -> ConversationPayload:
    return {
        "id": conversation.pk,
        "title": conversation.title,
        "is_group": conversation.is_group,
        "listing": listing_ref(conversation),
        "created_by": user_ref(conversation.created_by),
        "created_at": conversation.created_at.isoformat(),
        "last_message_at": _iso(conversation.last_message_at),
        "participants": [participant_ref(p) for p in participants],
        "topic": conversation.topic,
        "reason": reason,
    }
