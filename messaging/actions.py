"""ClusterXchange socket actions: `{"type": "action", "action": "message.send", "id", "data"}`.

Each handler parses `data`, goes through the same gate and service as the HTTP API, and
returns the `ack` result. Django's ValidationError becomes an `invalid` error frame (with
`fields`), Http404 `not_found`, PermissionDenied `forbidden` (realtime/consumers.py).

| action | data | result |
| --- | --- | --- |
| `message.send` | conversation, body, reply_to?, attachments? | message_id, created, message |
| `message.edit` | message, body | message_id, edited_at |
| `message.delete` | message | message_id, deleted_at |
| `conversation.read` | conversation, message_id | conversation, message_id, unread counts |
| `presence.heartbeat` | — | online, ttl |
| `presence.query` | user_ids (<= 100) | {"<user id>": online, …} |

For `message.send` the frame's `id` is the message's client id: a retry with the same id is
stored once and acknowledged again with the same `message_id` (`created` false).
"""

from __future__ import annotations

from typing import Any, TypeGuard

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from community.models import object_id
from messaging.events import message_payload
from messaging.selectors import conversations as selectors
from messaging.services import inbox as inbox_services
from messaging.services import messages as message_services
from messaging.services import presence as presence_services
from realtime.actions import register_action


def _is_id(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and object_id(value) is not None


def _int(data: dict[str, Any], field: str, *, required: bool = True) -> int | None:
    value = data.get(field)
    if value is None and not required:
        return None
    if not _is_id(value):
        raise ValidationError({field: [_("A positive whole number is required.")]})
    return value


def _text(data: dict[str, Any], field: str, *, required: bool = True) -> str:
    value = data.get(field, "" if not required else None)
    if not isinstance(value, str):
        raise ValidationError({field: [_("Text is required.")]})
    return value


def _ids(data: dict[str, Any], field: str, limit: int) -> list[int]:
    value = data.get(field) or []
    if not isinstance(value, list) or len(value) > limit or not all(_is_id(v) for v in value):
        raise ValidationError(
            {field: [_("A list of at most %(n)s ids is required.") % {"n": limit}]}
        )
    return list(value)


def message_send_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    if not client_id:
        raise ValidationError({"id": [_("The action frame needs an id (the client id).")]})
    conversation = selectors.conversation_get_for(user, _int(data, "conversation"), related=False)
    files = _ids(data, "attachments", message_services.MAX_ATTACHMENTS_PER_MESSAGE)
    message, created = message_services.message_send(
        sender=user,
        conversation=conversation,
        body=_text(data, "body", required=False),
        client_id=client_id,
        reply_to=_int(data, "reply_to", required=False),
        attachments=files,
    )
    # A new message without files has none: no query for them on every send.
    payload = message_payload(message, attachments=[] if created and not files else None)
    return {"message_id": message.pk, "created": created, "message": payload}


def message_edit_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    message = selectors.message_get_for(user, _int(data, "message"))
    message = message_services.message_edit(user=user, message=message, body=_text(data, "body"))
    return {
        "message_id": message.pk,
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
    }


def message_delete_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    message = selectors.message_get_for(user, _int(data, "message"))
    message = message_services.message_delete(user=user, message=message)
    return {
        "message_id": message.pk,
        "deleted_at": message.deleted_at.isoformat() if message.deleted_at else None,
    }


def conversation_read_action(
    user: Any, data: dict[str, Any], client_id: str | None
) -> dict[str, Any]:
    conversation = selectors.conversation_get_for(user, _int(data, "conversation"))
    participant = inbox_services.conversation_mark_read(
        user=user, conversation=conversation, message_id=_int(data, "message_id") or 0
    )
    return {
        "conversation": conversation.pk,
        "message_id": participant.last_read_message_id,
        "unread": participant.unread,
        "total_unread": participant.total_unread,
        "unread_conversations": participant.unread_conversations,
    }


def presence_heartbeat_action(
    user: Any, data: dict[str, Any], client_id: str | None
) -> dict[str, Any]:
    presence_services.presence_heartbeat(user=user)
    return {"online": True, "ttl": selectors.PRESENCE_TTL}


def presence_query_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    ids = _ids(data, "user_ids", selectors.PRESENCE_QUERY_MAX)
    shared = selectors.contacts_among(user, ids)
    online = selectors.presence_for(sorted(shared))
    return {str(uid): value for uid, value in online.items()}


def register_actions() -> None:
    register_action("message.send", message_send_action)
    register_action("message.edit", message_edit_action)
    register_action("message.delete", message_delete_action)
    register_action("conversation.read", conversation_read_action)
    register_action("presence.heartbeat", presence_heartbeat_action, counted=False)
    register_action("presence.query", presence_query_action)
