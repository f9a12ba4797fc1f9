"""Writes of a room's raised hands: raise and lower one's own; hosts acknowledge or lower.

The queue lives in the database (`HandRaise`, status `raised`, by `raised_at`), so it
survives a reconnect or a restart. A person has at most one raised hand (a partial unique
constraint); raising again while raised changes nothing. An acknowledged or lowered hand
leaves the queue, and its person may raise again.

Each change appends the same event to both topics, in one transaction: on
`webinar_room:<id>` without the name (attendees see how long the queue is and their own
hand, by `user_id`), on `webinar_backstage:<id>` with it (the hosts' queue).
Lock order: the event row, then the hand row. Raising re-checks the room gate under the
event row's lock, like the chat (a removal locks the same row, and lowers the removed
person's hand), and every change counts the queue's length under it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime.events import event_append
from webinars.models import Event, HandRaise, HandStatus
from webinars.selectors.hands import hand_mine, hand_payload, hand_queue_length
from webinars.selectors.rooms import backstage_topic, room_topic
from webinars.services.questions import require_host, room_lock_for


def _append(hand: HandRaise, type: str) -> None:
    length = hand_queue_length(hand.event)
    event_append(
        topic=room_topic(hand.event_id),
        type=type,
        data=dict(hand_payload(hand, queue_length=length)),
    )
    event_append(
        topic=backstage_topic(hand.event_id),
        type=type,
        data=dict(hand_payload(hand, queue_length=length, named=True)),
    )


def hand_raise(*, user: Any, event: Event) -> tuple[HandRaise, bool]:
    """Raise `user`'s hand in the room of `event` (at the end of the queue). Returns
    (hand, created); a hand already raised is returned as is.

    The room gate is checked again under the event row's lock (Http404: removed, not in
    the room, room closed). Side effect: `hand.raised` on both topics.
    """
    try:
        with transaction.atomic():
            event, _role = room_lock_for(user=user, event_id=event.pk)
            stored = hand_mine(user, event)
            if stored is not None:
                return stored, False
            hand = HandRaise.objects.create(event=event, user=user)
            hand.event = event
            _append(hand, "hand.raised")
    except IntegrityError:
        # Raised at the same moment from another tab.
        stored = hand_mine(user, event)
        if stored is None:
            raise
        return stored, False
    return hand, True


def _handle(hand: HandRaise, *, by: Any, status: str, type: str) -> HandRaise:
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=hand.event_id).first()
        locked = HandRaise.objects.select_for_update().select_related("user").get(pk=hand.pk)
        if locked.status != HandStatus.RAISED:
            return locked  # already handled: nothing to announce
        locked.status = status
        locked.handled_at = timezone.now()
        locked.handled_by = by
        locked.save(update_fields=["status", "handled_at", "handled_by"])
        locked.event = hand.event
        _append(locked, type)
    return locked


def hand_lower_mine(*, user: Any, event: Event) -> HandRaise | None:
    """Lower `user`'s own raised hand; None when it was not raised. Side effect:
    `hand.lowered` on both topics."""
    hand = hand_mine(user, event)
    if hand is None:
        return None
    hand.event = event
    return _handle(hand, by=user, status=HandStatus.LOWERED, type="hand.lowered")


def hand_lower_removed(*, host: Any, event: Event, user: Any) -> HandRaise | None:
    """Lower the raised hand of `user`, whom `host` is removing from the room (called by
    `room_person_remove` in its transaction, the event row locked); None when none was
    raised. Side effect: `hand.lowered` (`lowered_by_host` true) on both topics."""
    hand = hand_mine(user, event)
    if hand is None:
        return None
    hand.event = event
    return _handle(hand, by=host, status=HandStatus.LOWERED, type="hand.lowered")


def hand_acknowledge(*, host: Any, hand: HandRaise) -> HandRaise:
    """A host gives the floor to a raised hand: it leaves the queue. Hosts only.
    Side effect: `hand.acknowledged` on both topics."""
    require_host(host, hand.event)
    if hand.status == HandStatus.LOWERED:
        raise ValidationError({"hand": _("This hand was lowered.")})
    return _handle(hand, by=host, status=HandStatus.ACKNOWLEDGED, type="hand.acknowledged")


def hand_lower(*, host: Any, hand: HandRaise) -> HandRaise:
    """A host lowers someone's raised hand. Hosts only. Side effect: `hand.lowered`
    (`lowered_by_host` true) on both topics."""
    require_host(host, hand.event)
    return _handle(hand, by=host, status=HandStatus.LOWERED, type="hand.lowered")
