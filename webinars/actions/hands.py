"""Socket actions of a room's raised hands (docs/realtime.md, "Questions, polls and raised
hands").

| action | data | result |
| --- | --- | --- |
| `room.hand.raise` | event | hand, created |
| `room.hand.lower` | event, hand? (none: your own; a hand: hosts) | hand or null |
| `room.hand.acknowledge` (hosts) | event, hand | hand |
"""

from __future__ import annotations

from typing import Any

from realtime.actions import register_action
from webinars.actions.questions import int_field, room_from
from webinars.selectors import hands as selectors
from webinars.selectors.hands import hand_data
from webinars.services import hands as services
from webinars.services.questions import require_host


def raise_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    event = room_from(user, data)
    hand, created = services.hand_raise(user=user, event=event)
    return {"hand": hand_data(user, hand), "created": created}


def lower_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    event = room_from(user, data)
    if data.get("hand") is None:
        mine = services.hand_lower_mine(user=user, event=event)
        return {"hand": None if mine is None else hand_data(user, mine)}
    require_host(user, event)
    hand = selectors.hand_get(event, int_field(data, "hand"))
    return {"hand": hand_data(user, services.hand_lower(host=user, hand=hand))}


def acknowledge_action(user: Any, data: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    event = room_from(user, data)
    require_host(user, event)
    hand = selectors.hand_get(event, int_field(data, "hand"))
    return {"hand": hand_data(user, services.hand_acknowledge(host=user, hand=hand))}


def register_actions() -> None:
    register_action("room.hand.raise", raise_action)
    register_action("room.hand.lower", lower_action)
    register_action("room.hand.acknowledge", acknowledge_action)
