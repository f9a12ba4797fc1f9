"""Socket actions of a room's questions (docs/realtime.md, "Questions, polls and raised
hands"). Each handler goes through the room gate and the same service as the REST API;
Http404 becomes `not_found`, PermissionDenied `forbidden`, ValidationError `invalid`.

| action | data | result |
| --- | --- | --- |
| `room.question.ask` | event, body, anonymous? | question_id, created, question |
| `room.question.upvote`, `…unupvote` | event, question | question_id, upvoted, upvote_count |
| `room.question.answer` (hosts) | event, question, answered?, answer? | question |
| `room.question.pin` (hosts) | event, question, pinned? | question |
| `room.question.hide` (hosts) | event, question, hidden? | question |

For `room.question.ask` the frame's `id` is the question's client id: a retry is stored once.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from community.models import object_id
from realtime.actions import register_action
from webinars.models import Event
from webinars.selectors import questions as selectors
from webinars.selectors.rooms import room_get_for
from webinars.services import questions as services


def _is_id(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and object_id(value) is not None


def int_field(data: dict[str, Any], field: str) -> int:
    value = data.get(field)
    if not _is_id(value):
        raise ValidationError({field: [_("A positive whole number is required.")]})
    return value


def text_field(data: dict[str, Any], field: str, *, required: bool = True) -> str:
    value = data.get(field, None if required else "")
    if not isinstance(value, str):
        raise ValidationError({field: [_("Text is required.")]})
    return value


def bool_field(data: dict[str, Any], field: str, default: bool) -> bool:
    value = data.get(field, default)
    if not isinstance(value, bool):
        raise ValidationError({field: [_("true or false is required.")]})
    return value


def room_from(user: Any, data: dict[str, Any]) -> Event:
    """The event of `data["event"]` whose room `user` is in now (Http404 otherwise)."""
    return room_get_for(user, int_field(data, "event"))


def _question(user: Any, data: dict[str, Any]) -> Any:
    event = room_from(user, data)
    return selectors.question_get_for(user, event, int_field(data, "question"))


def ask_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    if not client_id:
        raise ValidationError({"id": [_("The action frame needs an id (the client id).")]})
    event = room_from(user, data)
    question, created = services.question_ask(
        author=user,
        event=event,
        body=text_field(data, "body"),
        anonymous=bool_field(data, "anonymous", False),
        client_id=client_id,
    )
    return {
        "question_id": question.pk,
        "created": created,
        "question": selectors.question_row_for(user, question),
    }


def _upvote_result(question: Any, upvoted: bool) -> dict[str, Any]:
    return {"question_id": question.pk, "upvoted": upvoted, "upvote_count": question.upvote_count}


def upvote_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    question, _changed = services.question_upvote(user=user, question=_question(user, data))
    return _upvote_result(question, True)


def unupvote_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    question, _changed = services.question_unupvote(user=user, question=_question(user, data))
    return _upvote_result(question, False)


def answer_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    question = services.question_answer(
        host=user,
        question=_question(user, data),
        answered=bool_field(data, "answered", True),
        answer=text_field(data, "answer", required=False),
    )
    return {"question": selectors.question_row_for(user, question)}


def pin_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    question = services.question_pin(
        host=user, question=_question(user, data), pinned=bool_field(data, "pinned", True)
    )
    return {"question": selectors.question_row_for(user, question)}


def hide_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    question = services.question_hide(
        host=user, question=_question(user, data), hidden=bool_field(data, "hidden", True)
    )
    return {"question": selectors.question_row_for(user, question)}


def register_actions() -> None:
    register_action("room.question.ask", ask_action)
    register_action("room.question.upvote", upvote_action)
    register_action("room.question.unupvote", unupvote_action)
    register_action("room.question.answer", answer_action)
    register_action("room.question.pin", pin_action)
    register_action("room.question.hide", hide_action)
