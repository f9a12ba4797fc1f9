"""Host controls of a live room: chat settings, removing a person, promoting and demoting
speakers, ending the room.

Every service here locks the event row first (the chat service does too), so a removal or
an end is ordered against every message being sent. Preconditions for all: `host` passed
the host gate (`webinars.api.rooms`, `webinars.actions.rooms`: `room_host_get_for`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime.events import event_append
from realtime.services import subscription_revoke, topic_subscribers_recheck
from webinars.events import RoomRoleChanged, RoomUpdated
from webinars.models import Event, EventPerson, EventRole, RoomRemoval, Speaker
from webinars.selectors.events import event_can_manage
from webinars.selectors.rooms import RoomRole, backstage_topic, room_role, room_topic
from webinars.services.hands import hand_lower_removed

MAX_SLOW_MODE_SECONDS = 600
MAX_MESSAGES_PER_MINUTE = 60


def room_updated_payload(event: Event) -> RoomUpdated:
    return {
        "chat_muted": event.chat_muted,
        "chat_slow_mode_seconds": event.chat_slow_mode_seconds,
        "chat_messages_per_minute": event.chat_messages_per_minute,
        "ended": event.room_ended_at is not None,
    }


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def room_settings_update(
    *,
    host: Any,
    event: Event,
    chat_muted: bool | None = None,
    chat_slow_mode_seconds: int | None = None,
    chat_messages_per_minute: int | None = None,
) -> Event:
    """Change the chat's settings (None: unchanged); appends `room.updated` if any changed.
    Slow mode 0..600 seconds (0: off); rate 0..60 messages a minute (0: no limit)."""
    errors: dict[str, list[str]] = {}
    if chat_slow_mode_seconds is not None and not (
        0 <= chat_slow_mode_seconds <= MAX_SLOW_MODE_SECONDS
    ):
        errors["chat_slow_mode_seconds"] = [
            _("Between 0 (off) and %(n)s seconds.") % {"n": MAX_SLOW_MODE_SECONDS}
        ]
    if chat_messages_per_minute is not None and not (
        0 <= chat_messages_per_minute <= MAX_MESSAGES_PER_MINUTE
    ):
        errors["chat_messages_per_minute"] = [
            _("Between 0 (no limit) and %(n)s messages a minute.") % {"n": MAX_MESSAGES_PER_MINUTE}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(event)
        changed = []
        for field, value in (
            ("chat_muted", chat_muted),
            ("chat_slow_mode_seconds", chat_slow_mode_seconds),
            ("chat_messages_per_minute", chat_messages_per_minute),
        ):
            if value is not None and getattr(locked, field) != value:
                setattr(locked, field, value)
                changed.append(field)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            event_append(
                topic=room_topic(locked.pk),
                type="room.updated",
                data=dict(room_updated_payload(locked)),
            )
    return locked


def room_person_remove(*, host: Any, event: Event, user: Any, reason: str = "") -> RoomRemoval:
    """Remove `user` from the room: a RoomRemoval (they cannot rejoin), `room.role_changed`
    with role "removed", and after commit their sockets re-check `webinar_room:<id>` and
    `webinar_backstage:<id>` and are cut (`unsubscribed`, `access_revoked`). Their raised
    hand is lowered (`hand.lowered`). Idempotent. Organisers and staff cannot be removed;
    nor can a host remove themself."""
    if user.pk == host.pk:
        raise ValidationError({"user": [_("You cannot remove yourself.")]})
    with transaction.atomic():
        locked = _lock(event)
        if event_can_manage(user, locked):
            raise ValidationError({"user": [_("Organisers and staff cannot be removed.")]})
        if (
            room_role(user, locked) is None
            and not RoomRemoval.objects.filter(event=locked, user=user).exists()
        ):
            raise ValidationError({"user": [_("This person is not in this room.")]})
        removal, created = RoomRemoval.objects.get_or_create(
            event=locked, user=user, defaults={"removed_by": host, "reason": reason[:500]}
        )
        if created:
            payload: RoomRoleChanged = {"user_id": user.pk, "role": "removed"}
            event_append(topic=room_topic(locked.pk), type="room.role_changed", data=dict(payload))
        hand_lower_removed(host=host, event=locked, user=user)
        subscription_revoke(user_ids=[user.pk], topic=room_topic(locked.pk))
        subscription_revoke(user_ids=[user.pk], topic=backstage_topic(locked.pk))
    return removal


def room_person_role_set(*, host: Any, event: Event, user: Any, role: str) -> RoomRole:
    """Promote an attendee to speaker (`role` "speaker") or demote a speaker the hosts
    promoted (`role` "attendee"); appends `room.role_changed`. Hosts, organisers and the
    speakers listed on the event page keep their role. Returns the role now."""
    if role not in (RoomRole.SPEAKER, RoomRole.ATTENDEE):
        raise ValidationError({"role": [_("Choose speaker or attendee.")]})
    with transaction.atomic():
        locked = _lock(event)
        current = room_role(user, locked)
        if current is None:
            raise ValidationError({"user": [_("This person is not in this room.")]})
        if current == RoomRole.HOST:
            raise ValidationError({"user": [_("Hosts keep their role.")]})
        if current == role:
            return current
        if role == RoomRole.SPEAKER:
            EventPerson.objects.update_or_create(
                event=locked, user=user, defaults={"role": EventRole.SPEAKER}
            )
        else:
            if Speaker.objects.filter(event=locked, user=user).exists():
                raise ValidationError(
                    {"user": [_("This speaker is listed on the event page: edit the event.")]}
                )
            EventPerson.objects.filter(event=locked, user=user, role=EventRole.SPEAKER).delete()
        payload: RoomRoleChanged = {"user_id": user.pk, "role": str(role)}
        event_append(topic=room_topic(locked.pk), type="room.role_changed", data=dict(payload))
    return RoomRole(role)


def room_end(*, host: Any, event: Event) -> Event:
    """End the room: `room_ended_at`, `room.updated` with ended true, then after commit
    every subscriber of the room and its backstage re-checks and is cut. Idempotent."""
    with transaction.atomic():
        locked = _lock(event)
        if locked.room_ended_at is not None:
            return locked
        locked.room_ended_at = timezone.now()
        locked.save(update_fields=["room_ended_at", "updated_at"])
        event_append(
            topic=room_topic(locked.pk),
            type="room.updated",
            data=dict(room_updated_payload(locked)),
        )
        topic_subscribers_recheck(topic=room_topic(locked.pk))
        topic_subscribers_recheck(topic=backstage_topic(locked.pk))
    return locked
