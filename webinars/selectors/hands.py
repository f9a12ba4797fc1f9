"""Reads of a room's raised hands: the queue (first come, first served), one's own hand,
and the payload.

Who sees what: hosts see the queue in order, with names; everyone else sees how long it is
and their own hand.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from community.models import object_id
from webinars.events import HandPayload
from webinars.models import Event, HandRaise, HandStatus
from webinars.selectors.questions import user_ref
from webinars.selectors.rooms import room_is_host


def hand_queue(event: Event) -> list[HandRaise]:
    return list(
        HandRaise.objects.filter(event=event, status=HandStatus.RAISED)
        .select_related("user")
        .order_by("raised_at", "pk")
    )


def hand_queue_length(event: Event) -> int:
    return HandRaise.objects.filter(event=event, status=HandStatus.RAISED).count()


def hand_mine(user: Any, event: Event) -> HandRaise | None:
    return HandRaise.objects.filter(event=event, user=user, status=HandStatus.RAISED).first()


def hand_get(event: Event, hand_id: Any) -> HandRaise:
    """A hand of `event`'s room by id (for its hosts: callers check `room_is_host`)."""
    pk = object_id(hand_id)
    hand = (
        HandRaise.objects.filter(event=event, pk=pk).select_related("user").first() if pk else None
    )
    if hand is None:
        raise Http404
    return hand


def hand_payload(hand: HandRaise, *, queue_length: int, named: bool = False) -> HandPayload:
    """A hand as events and REST show it; `named`: with the person's name (hosts)."""
    data: HandPayload = {
        "id": hand.pk,
        "user_id": hand.user_id,
        "status": hand.status,
        "raised_at": hand.raised_at.isoformat(),
        "handled_at": None if hand.handled_at is None else hand.handled_at.isoformat(),
        "lowered_by_host": hand.status == HandStatus.LOWERED
        and hand.handled_by_id is not None
        and hand.handled_by_id != hand.user_id,
        "queue_length": queue_length,
    }
    if named:
        ref = user_ref(hand.user)
        assert ref is not None
        data["user"] = ref
    return data


def hands_snapshot_for(user: Any, event: Event, *, host: bool) -> dict[str, Any]:
    """The queue (hosts: in order, named) or its length, and the caller's own raised hand."""
    queue = hand_queue(event)
    position, mine = next(
        ((i, h) for i, h in enumerate(queue, start=1) if h.user_id == user.pk), (0, None)
    )
    own: dict[str, Any] | None = None
    if mine is not None:
        own = {**hand_payload(mine, queue_length=len(queue)), "position": position}
    data: dict[str, Any] = {
        "queue_length": len(queue),
        "mine": own,
        "queue": [hand_payload(h, queue_length=len(queue), named=True) for h in queue]
        if host
        else None,
    }
    return data


def hand_data(user: Any, hand: Any) -> dict[str, Any]:
    """The hand as `user` sees it (named for hosts), with the queue's length now."""
    length = hand_queue_length(hand.event)
    return dict(hand_payload(hand, queue_length=length, named=room_is_host(user, hand.event)))
