"""Socket actions of a room's polls (docs/realtime.md, "Questions, polls and raised hands").

| action | data | result |
| --- | --- | --- |
| `room.poll.create` (hosts) | event, question, options, multiple?, results?, open? | poll |
| `room.poll.open` / `room.poll.close` (hosts) | event, poll | poll |
| `room.poll.vote` | event, poll, options (ids; [] takes the vote back) | poll, my_votes |

For `room.poll.create` the frame's `id` is the poll's client id: a retry is stored once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from realtime.actions import register_action
from webinars.actions.questions import _is_id, bool_field, int_field, room_from, text_field
from webinars.models import PollResults
from webinars.selectors import polls as selectors
from webinars.selectors.polls import poll_data
from webinars.services import polls as services


def _poll(user: Any, data: dict[str, Any]) -> Any:
    event = room_from(user, data)
    return selectors.poll_get_for(user, event, int_field(data, "poll"))


def _list(data: dict[str, Any], field: str, check: Any, limit: int) -> list[Any]:
    value = data.get(field)
    if not isinstance(value, list) or len(value) > limit or not all(check(v) for v in value):
        raise ValidationError(
            {field: [_("A list of at most %(n)s items is required.") % {"n": limit}]}
        )
    return value


def create_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    if not client_id:
        raise ValidationError({"id": [_("The action frame needs an id (the client id).")]})
    event = room_from(user, data)
    results = data.get("results", PollResults.LIVE)
    if results not in PollResults.values:
        raise ValidationError({"results": [_("Choose when the results are shown.")]})
    poll, created = services.poll_create(
        host=user,
        event=event,
        question=text_field(data, "question"),
        options=_list(data, "options", lambda v: isinstance(v, str), services.MAX_OPTIONS),
        multiple=bool_field(data, "multiple", False),
        results=results,
        open_now=bool_field(data, "open", False),
        client_id=client_id,
    )
    return {"poll_id": poll.pk, "created": created, "poll": poll_data(user, poll)}


def open_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    return {"poll": poll_data(user, services.poll_open(host=user, poll=_poll(user, data)))}


def close_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    return {"poll": poll_data(user, services.poll_close(host=user, poll=_poll(user, data)))}


def vote_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    poll = _poll(user, data)
    chosen = services.poll_vote(
        user=user, poll=poll, option_ids=_list(data, "options", _is_id, services.MAX_OPTIONS)
    )
    return {"poll": poll.pk, "my_votes": chosen}


def register_actions() -> None:
    register_action("room.poll.create", create_action)
    register_action("room.poll.open", open_action)
    register_action("room.poll.close", close_action)
    register_action("room.poll.vote", vote_action)
