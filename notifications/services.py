"""Notification services: the one way any app tells people something happened."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community.services.accounts import language_for
from notifications.kinds import get_kind
from notifications.models import (
    Channel,
    Delivery,
    DeliverySettings,
    DeliveryStatus,
    Notification,
    Preference,
    PushSubscription,
)
from notifications.push_targets import PushTargetError, push_endpoint_check
from notifications.selectors import unread_count_for
from notifications.sentences import Sentence, notification_text
from realtime.events import event_append
from realtime.topics import user_topic


def channels_for(user_ids: list[int], kind: str) -> dict[int, set[str]]:
    """The channels each person gets `kind` on: their preferences over the kind's defaults."""
    spec = get_kind(kind)
    defaults = {
        Channel.IN_APP.value: spec.in_app,
        Channel.PUSH.value: spec.push,
        Channel.EMAIL.value: spec.email,
    }
    chosen: dict[int, dict[str, bool]] = {uid: dict(defaults) for uid in user_ids}
    for user_id, channel, enabled in Preference.objects.filter(
        user_id__in=user_ids, kind=kind
    ).values_list("user_id", "channel", "enabled"):
        chosen[user_id][channel] = enabled
    return {uid: {c for c, on in prefs.items() if on} for uid, prefs in chosen.items()}


def quiet_until(settings_row: DeliverySettings | None, now: datetime) -> datetime | None:
    """When the person's quiet hours end, if `now` is inside them; else None."""
    if settings_row is None or settings_row.quiet_start is None or settings_row.quiet_end is None:
        return None
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(settings_row.timezone)
    except Exception:
        zone = timezone.get_default_timezone()
    local = now.astimezone(zone)
    start, end = settings_row.quiet_start, settings_row.quiet_end
    t = local.time()
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_today = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if end_today <= local:
        end_today += timedelta(days=1)
    return end_today


def _ref(obj: Any) -> tuple[ContentType | None, str]:
    if obj is None:
        return None, ""
    return ContentType.objects.get_for_model(obj), str(obj.pk)


def notification_payload(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        # In the active language (the reader's; the recipient's for the live event).
        "verb": notification_text(notification),
        "level": notification.level,
        "url": notification.url,
        "unread": notification.unread,
        "data": notification.data,
        "actor": (
            {"id": notification.actor_id, "name": str(notification.actor)}
            if notification.actor_id
            else None
        ),
        "created_at": notification.created_at.isoformat(),
    }


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    verb: str | Sentence,
    actor: Any = None,
    target: Any = None,
    action_object: Any = None,
    url: str = "",
    level: str = "info",
    data: dict[str, Any] | None = None,
    group_key: str = "",
) -> list[Notification]:
    """Notify people of something, on the channels each of them chose for `kind`.

    `verb` is the sentence shown: pass a Sentence (`Sentence(gettext_noop("…"), {…})`,
    notifications.sentences). It is kept in `data["sentence"]` and shown in the reader's
    language wherever it is read (notification_text); `Notification.verb` gets it written in
    the recipient's language (community.services.accounts.language_for) as the fallback. A
    plain string is shown as it is.

    Preconditions: the caller has decided who should know (muted conversations and listings
    are the caller's to leave out); the actor is never notified of their own act.
    Side effects, in the caller's transaction: a Notification per person (an unread one with
    the same `group_key` is updated instead, so a burst stays one notification), an event
    `notification.created` on each person's `user:<id>` topic (the live badge), and one
    pending Delivery per push device and for email — sent by the worker after commit, never
    for a rolled-back transaction.
    """
    people = {r.pk: r for r in recipients if r is not None and r.is_active}
    if actor is not None:
        people.pop(actor.pk, None)
    if not people:
        return []
    channels = channels_for(list(people), kind)
    target_type, target_id = _ref(target)
    action_type, action_id = _ref(action_object)
    now = timezone.now()
    quiet = {row.user_id: row for row in DeliverySettings.objects.filter(user_id__in=list(people))}
    devices: dict[int, list[PushSubscription]] = {}
    for sub in PushSubscription.objects.filter(user_id__in=list(people), disabled_at=None):
        devices.setdefault(sub.user_id, []).append(sub)
    created: list[Notification] = []
    with transaction.atomic():
        for user_id, person in people.items():
            wanted = channels[user_id]
            if not wanted:
                continue
            notification = None
            if group_key:
                notification = (
                    Notification.objects.select_for_update()
                    .filter(
                        recipient_id=user_id,
                        group_key=group_key,
                        unread=True,
                        deleted_at__isnull=True,
                    )
                    .first()
                )
            extra = dict(data or {})
            if isinstance(verb, Sentence):
                extra["sentence"] = verb.to_data()
                with translation.override(language_for(person)):
                    sentence = verb.render()
            else:
                sentence = verb
            fields = {
                "actor": actor,
                "kind": kind,
                "verb": sentence,
                "level": level,
                "target_type": target_type,
                "target_id": target_id,
                "action_object_type": action_type,
                "action_object_id": action_id,
                "url": url,
                "data": {**extra, "count": 1},
                "created_at": now,
                # Wanted only by push or email: kept for delivery, hidden from the list.
                "deleted_at": None if Channel.IN_APP in wanted else now,
            }
            if notification is not None:
                fields["data"]["count"] = int(notification.data.get("count", 1)) + 1
                for name, value in fields.items():
                    setattr(notification, name, value)
                notification.save()
                # An updated notification is sent again; what was pending for it is replaced.
                notification.deliveries.filter(status=DeliveryStatus.PENDING).update(
                    status=DeliveryStatus.SKIPPED, last_error="superseded"
                )
            else:
                notification = Notification.objects.create(
                    recipient=person, group_key=group_key, **fields
                )
            created.append(notification)
            due = quiet_until(quiet.get(user_id), now) or now
            deliveries = []
            if Channel.PUSH in wanted:
                # A chat push waits: if the person reads the conversation meanwhile (they
                # are looking at it) or mutes it, the push is skipped.
                grace = timedelta(seconds=settings.WEBPUSH_CHAT_GRACE_SECONDS)
                push_due = max(due, now + grace) if kind == "message.new" else due
                deliveries += [
                    Delivery(
                        notification=notification,
                        channel=Channel.PUSH,
                        subscription=sub,
                        due_at=push_due,
                    )
                    for sub in devices.get(user_id, [])
                ]
            if Channel.EMAIL in wanted:
                deliveries.append(
                    Delivery(notification=notification, channel=Channel.EMAIL, due_at=due)
                )
            Delivery.objects.bulk_create(deliveries)
            if Channel.IN_APP in wanted:
                with translation.override(language_for(person)):
                    payload = notification_payload(notification)
                event_append(
                    topic=user_topic(user_id),
                    type="notification.created",
                    data={
                        "notification": payload,
                        "unread_count": unread_count_for(person),
                    },
                )
    return created


def _publish_unread(user: Any) -> None:
    event_append(
        topic=user_topic(user.pk),
        type="notifications.unread",
        data={"unread_count": unread_count_for(user)},
    )


def _mark(user: Any, rows: QuerySet[Notification], *, unread: bool) -> int:
    """Mark `rows` (already scoped to `user`) read or unread, inside the caller's transaction."""
    touched = list(rows.filter(unread=not unread).values_list("pk", flat=True))
    if not touched:
        return 0
    Notification.objects.filter(pk__in=touched).update(
        unread=unread, read_at=None if unread else timezone.now()
    )
    if not unread:
        Delivery.objects.filter(notification_id__in=touched, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SKIPPED, last_error="read before delivery"
        )
    _publish_unread(user)
    return len(touched)


def notification_mark(*, user: Any, ids: list[int] | None, unread: bool) -> int:
    """Mark some (or, with ids=None, all) of the user's notifications read or unread.

    Precondition: `user` is the recipient — the query is scoped to them, so foreign ids are
    ignored. Side effects: pending push/email for notifications now read are skipped, and
    the live badge gets `notifications.unread`.
    """
    rows = Notification.objects.filter(recipient=user, deleted_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    with transaction.atomic():
        return _mark(user, rows, unread=unread)


def _about(user: Any, target: Any) -> QuerySet[Notification]:
    """What `user` was told about `target`, including notifications kept only for push or
    email (hidden from their list): those are the ones whose push must not go out."""
    target_type, target_id = _ref(target)
    return Notification.objects.filter(recipient=user, target_type=target_type, target_id=target_id)


def notification_mark_read_for_target(*, user: Any, target: Any) -> int:
    """Mark read what the user was told about `target` (e.g. a conversation they just read).

    Side effects as notification_mark: their pending push and email are skipped.
    """
    with transaction.atomic():
        return _mark(user, _about(user, target), unread=False)


def notification_deliveries_cancel_for_target(*, user: Any, target: Any, reason: str) -> int:
    """Skip every push and email still waiting to tell `user` about `target` (e.g. a
    conversation they just muted); the notifications themselves stay as they are.

    Returns how many deliveries were cancelled. A worker that already claimed one finds it
    skipped when it records the outcome; only a push in flight at that instant still goes.
    """
    return Delivery.objects.filter(
        notification__in=_about(user, target), status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.SKIPPED, claimed_until=None, last_error=reason[:1000])


def notification_delete(*, user: Any, ids: list[int]) -> int:
    """Soft-delete the user's notifications (foreign ids are ignored)."""
    with transaction.atomic():
        count = Notification.objects.filter(
            recipient=user, pk__in=ids, deleted_at__isnull=True
        ).update(deleted_at=timezone.now(), unread=False)
        if count:
            Delivery.objects.filter(
                notification_id__in=ids,
                notification__recipient=user,
                status=DeliveryStatus.PENDING,
            ).update(status=DeliveryStatus.SKIPPED, last_error="deleted")
            _publish_unread(user)
    return count


def preference_set(*, user: Any, kind: str, channel: str, enabled: bool) -> Preference:
    """Set one kind-and-channel choice. Raises LookupError for an unknown kind."""
    get_kind(kind)
    if channel not in Channel.values:
        raise LookupError(f"Unknown channel {channel!r}.")
    preference, _created = Preference.objects.update_or_create(
        user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
    )
    return preference


def delivery_settings_for(user: Any) -> DeliverySettings:
    row, _created = DeliverySettings.objects.get_or_create(user=user)
    return row


def push_subscription_save(
    *, user: Any, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Register a device, or register it again (new keys; a disabled one is enabled again).

    Raises ValidationError (on `endpoint`) when pushes may not go there — not https, a host
    that is not an allowed push service, or an address that is not public
    (notifications.push_targets; this resolves the host name) — or when the endpoint is
    registered to another account: it stays theirs, and the message does not say whose.
    """
    try:
        push_endpoint_check(endpoint)
    except PushTargetError as exc:
        raise ValidationError({"endpoint": exc.reason}, code="refused") from None
    fields: dict[str, Any] = {"p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]}
    with transaction.atomic():
        subscription, created = PushSubscription.objects.select_for_update().get_or_create(
            endpoint=endpoint, defaults={"user": user, **fields}
        )
        if subscription.user_id != user.pk:
            raise ValidationError(
                {"endpoint": _("This push subscription is registered to another account.")},
                code="taken",
            )
        if not created:
            fields.update(disabled_at=None, disabled_reason="")
            for name, value in fields.items():
                setattr(subscription, name, value)
            subscription.save(update_fields=list(fields))
    return subscription


def push_subscription_delete(*, user: Any, endpoint: str) -> bool:
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return bool(deleted)


__all__ = [
    "channels_for",
    "delivery_settings_for",
    "notification_delete",
    "notification_deliveries_cancel_for_target",
    "notification_mark",
    "notification_mark_read_for_target",
    "notify",
    "preference_set",
    "push_subscription_delete",
    "push_subscription_save",
    "quiet_until",
]
