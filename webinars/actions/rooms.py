"""Socket actions of a live room (docs/realtime.md, "Webinar rooms"). Each parses `data`,
goes through the same gate and service as the REST endpoint (webinars/api/rooms.py) and
returns the `ack` result.

| action | data | result |
| --- | --- | --- |
| `room.chat.send` | event, body (frame `id`: the client id) | message_id, created, message |
| `room.chat.hide` | event, message | message_id |
| `room.settings.update` | event, chat_muted?, chat_slow_mode_seconds?, | settings |
|  | chat_messages_per_minute? | |
| `room.person.remove` | event, user, reason? | user, role ("removed") |
| `room.person.role` | event, user, role ("speaker" or "attendee") | user, role |
| `room.end` | event | ended |
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from realtime.actions import register_action
from webinars.models import ChatMessage
from webinars.selectors import chat as chat_selectors
from webinars.selectors.rooms import room_get_for, room_host_get_for
from webinars.services import chat as chat_services
from webinars.services import rooms as room_services


def _id(data: dict[str, Any], field: str) -> int:
    value = data.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
        raise ValidationError({field: [_("A positive whole number is required.")]})
    return value


def _optional(data: dict[str, Any], field: str, kind: type) -> Any:
    value = data.get(field)
    if value is None:
        return None
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError({field: [_("A whole number is required.")]})
    if kind is bool and not isinstance(value, bool):
        raise ValidationError({field: [_("true or false is required.")]})
    return value


def _text(data: dict[str, Any], field: str) -> str:
    value = data.get(field, "")
    if not isinstance(value, str):
        raise ValidationError({field: [_("Text is required.")]})
    return value


def _person(data: dict[str, Any]) -> Any:
    user = get_user_model().objects.filter(pk=_id(data, "user"), is_active=True).first()
    if user is None:
        raise Http404
    return user


def chat_send_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    if not client_id:
        raise ValidationError({"id": [_("The action frame needs an id (the client id).")]})
    event = room_get_for(user, _id(data, "event"))
    try:
        message, created = chat_services.chat_send(
            user=user, event=event, body=_text(data, "body"), client_id=client_id
        )
    except chat_services.ChatWaitError as error:
        raise ValidationError({"body": [error.message]}, code="wait") from error
    (payload,) = chat_selectors.chat_payloads(event, [message])
    return {"message_id": message.pk, "created": created, "message": dict(payload)}


def chat_hide_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    event = room_host_get_for(user, _id(data, "event"))
    message = ChatMessage.objects.filter(pk=_id(data, "message"), event=event).first()
    if message is None:
        raise Http404
    chat_services.chat_hide(host=user, event=event, message=message)
    return {"message_id": message.pk}


def settings_update_action(
    user: Any, data: dict[str, Any], client_id: str | None
) -> dict[str, Any]:
    event = room_host_get_for(user, _id(data, "event"))
    event = room_services.room_settings_update(
        host=user,
        event=event,
        chat_muted=_optional(data, "chat_muted", bool),
        chat_slow_mode_seconds=_optional(data, "chat_slow_mode_seconds", int),
        chat_messages_per_minute=_optional(data, "chat_messages_per_minute", int),
    )
    return {"settings": dict(room_services.room_updated_payload(event))}


def person_remove_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    event = room_host_get_for(user, _id(data, "event"))
    person = _person(data)
    room_services.room_person_remove(
        host=user, event=event, user=person, reason=_text(data, "reason")
    )
    return {"user": person.pk, "role": "removed"}


def person_role_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    event = room_host_get_for(user, _id(data, "event"))
    person = _person(data)
    role = room_services.room_person_role_set(
        host=user, event=event, user=person, role=_text(data, "role")
    )
    return {"user": person.pk, "role": str(role)}


def end_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    event = room_host_get_for(user, _id(data, "event"))
    room_services.room_end(host=user, event=event)
    return {"ended": True}


def register_actions() -> None:
    register_action("room.chat.send", chat_send_action)
    register_action("room.chat.hide", chat_hide_action)
    register_action("room.settings.update", settings_update_action)
    register_action("room.person.remove", person_remove_action)
    register_action("room.person.role", person_role_action)
    register_action("room.end", end_action)
