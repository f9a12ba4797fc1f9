"""Notification services: the one way any app tells people something happened."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Field, QuerySet
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
    return _channels_by_kind(user_ids, {kind})[kind]


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


@dataclass(frozen=True)
class Notice:
    """One thing to tell some people: the arguments of `notify`, for `notify_many`."""

    recipients: Iterable[Any]
    kind: str
    verb: str | Sentence
    actor: Any = None
    target: Any = None
    action_object: Any = None
    url: str = ""
    level: str = "info"
    data: dict[str, Any] | None = None
    group_key: str = ""


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
    for a rolled-back transaction. The one-notice case of `notify_many`.
    """
    notice = Notice(
        recipients=recipients,
        kind=kind,
        verb=verb,
        actor=actor,
        target=target,
        action_object=action_object,
        url=url,
        level=level,
        data=data,
        group_key=group_key,
    )
    return notify_many([notice])[0]


# The columns an updated notification gets (`_fields` below); written for many rows in one
# call with executemany, as compiling an ORM UPDATE for each row cost more than the rest.
_UPDATED = (
    "actor",
    "kind",
    "verb",
    "level",
    "target_type",
    "target_id",
    "action_object_type",
    "action_object_id",
    "url",
    "data",
    "created_at",
    "deleted_at",
)
_UPDATED_FIELDS = [
    field for name in _UPDATED if isinstance(field := Notification._meta.get_field(name), Field)
]
_UPDATE_SQL = (
    f"UPDATE {Notification._meta.db_table} SET "  # noqa: S608
    + ", ".join(f"{field.column} = %s" for field in _UPDATED_FIELDS)
    + " WHERE id = %s"
)


def _update_rows(rows: Iterable[Notification]) -> None:
    params = [
        [
            field.get_db_prep_save(getattr(row, field.attname), connection)
            for field in _UPDATED_FIELDS
        ]
        + [row.pk]
        for row in rows
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(_UPDATE_SQL, params)


def notify_many(notices: list[Notice]) -> list[list[Notification]]:
    """`notify` for several notices at once, in the order given: the same notifications,
    deliveries and events as calling `notify` for each in turn, in a few set-based
    statements (the preferences, quiet hours, devices, unread notifications of the same
    group keys and unread counts of everyone concerned read once; the inserts and updates
    written together). Returns the notifications of each notice, in its order.

    Two notices with the same `group_key` for one person add up as they would one after
    the other: one notification, its `data["count"]` incremented by each, the deliveries of
    all but the last skipped as superseded, and an event for each step with the unread
    count after it. Raises LookupError, before writing anything, for an unknown kind.

    Preconditions and side effects: as `notify`. The unread counts are read once at the
    start of the transaction: a notification of the same person written or read by another
    transaction that commits meanwhile is not in the counts of these events (the next
    badge event corrects it).
    """
    now = timezone.now()
    resolved: list[tuple[Notice, dict[int, Any]]] = []
    for notice in notices:
        people = {r.pk: r for r in notice.recipients if r is not None and r.is_active}
        if notice.actor is not None:
            people.pop(notice.actor.pk, None)
        if people:
            get_kind(notice.kind)  # LookupError before any write
        resolved.append((notice, people))
    user_ids = sorted({uid for _notice, people in resolved for uid in people})
    if not user_ids:
        return [[] for _notice in notices]
    chosen = _channels_by_kind(user_ids, {notice.kind for notice, people in resolved if people})
    quiet = {row.user_id: row for row in DeliverySettings.objects.filter(user_id__in=user_ids)}
    devices: dict[int, list[PushSubscription]] = {}
    for sub in PushSubscription.objects.filter(user_id__in=user_ids, disabled_at=None):
        devices.setdefault(sub.user_id, []).append(sub)
    steps = [
        (n, notice, user_id, person, chosen[notice.kind][user_id])
        for n, (notice, people) in enumerate(resolved)
        for user_id, person in people.items()
        if chosen[notice.kind][user_id]
    ]
    created: list[list[Notification]] = [[] for _notice in notices]
    with transaction.atomic():
        # The unread notification each person has of each group key, locked (in id order,
        # as every writer of several takes them) and the newest when there are several.
        current: dict[tuple[int, str], Notification] = {}
        grouped = {(user_id, notice.group_key) for _n, notice, user_id, _p, _w in steps}
        keys = {key for _user_id, key in grouped if key}
        if keys:
            for row in (
                Notification.objects.select_for_update()
                .filter(
                    recipient_id__in=sorted({u for u, key in grouped if key}),
                    group_key__in=sorted(keys),
                    unread=True,
                    deleted_at__isnull=True,
                )
                .order_by("pk")
            ):
                key = (row.recipient_id, row.group_key)
                if key in grouped:
                    newest = current.get(key)
                    if newest is None or (row.created_at, row.pk) > (newest.created_at, newest.pk):
                        current[key] = row
        in_app = sorted(
            {user_id for _n, _notice, user_id, _p, wanted in steps if Channel.IN_APP in wanted}
        )
        unread = dict.fromkeys(in_app, 0)
        if in_app:
            unread.update(
                Notification.objects.filter(
                    recipient_id__in=in_app, unread=True, deleted_at__isnull=True
                )
                .order_by()
                .values("recipient_id")
                .annotate(n=Count("pk"))
                .values_list("recipient_id", "n")
            )
        # First the rows this batch creates (their ids go into the events and deliveries):
        # a step updates the unread visible notification its group key has at that point,
        # the one found above or one an earlier step wrote, else it creates one.
        plan: list[tuple[Notification, bool]] = []
        new_rows: list[Notification] = []
        live = dict(current)
        for _n, notice, user_id, person, wanted in steps:
            key = (user_id, notice.group_key)
            found = live.get(key) if notice.group_key else None
            if found is None:
                row = Notification(recipient=person, group_key=notice.group_key)
                _fields(row, notice, person, wanted, now, count=1)
                new_rows.append(row)
                plan.append((row, True))
            else:
                row = found
                plan.append((row, False))
            if notice.group_key:
                if Channel.IN_APP in wanted:
                    live[key] = row
                else:  # hidden from the list: the next one of the group is a new one
                    live.pop(key, None)
        Notification.objects.bulk_create(new_rows)
        existing_updated: set[int] = set()
        dirty: dict[int, Notification] = {}
        pending: dict[int, list[Delivery]] = {}  # by row: its last step's deliveries
        deliveries: list[Delivery] = []
        for (n, notice, user_id, person, wanted), (row, is_new) in zip(steps, plan, strict=True):
            visible_before = False
            if not is_new:
                visible_before = row.unread and row.deleted_at is None
                _fields(row, notice, person, wanted, now, count=int(row.data.get("count", 1)) + 1)
                dirty[row.pk] = row
                if id(row) in pending:
                    # An updated notification is sent again; what was pending is replaced.
                    for superseded in pending[id(row)]:
                        superseded.status = DeliveryStatus.SKIPPED
                        superseded.last_error = "superseded"
                else:
                    existing_updated.add(row.pk)
            created[n].append(row)
            step = _deliveries(row, notice.kind, wanted, quiet.get(user_id), devices, now)
            pending[id(row)] = step
            deliveries += step
            if Channel.IN_APP in wanted:
                unread[user_id] += 1 - visible_before
                with translation.override(language_for(person)):
                    payload = notification_payload(row)
                event_append(
                    topic=user_topic(user_id),
                    type="notification.created",
                    data={"notification": payload, "unread_count": unread[user_id]},
                )
            elif visible_before and user_id in unread:  # hidden now: one unread less
                unread[user_id] -= 1
        if existing_updated:
            Delivery.objects.filter(
                notification_id__in=sorted(existing_updated), status=DeliveryStatus.PENDING
            ).update(status=DeliveryStatus.SKIPPED, last_error="superseded")
        _update_rows(dirty.values())
        Delivery.objects.bulk_create(deliveries)
    return created


def _channels_by_kind(user_ids: list[int], kinds: set[str]) -> dict[str, dict[int, set[str]]]:
    """channels_for of several kinds, in one query."""
    chosen: dict[str, dict[int, dict[str, bool]]] = {}
    for kind in kinds:
        spec = get_kind(kind)
        defaults = {
            Channel.IN_APP.value: spec.in_app,
            Channel.PUSH.value: spec.push,
            Channel.EMAIL.value: spec.email,
        }
        chosen[kind] = {uid: dict(defaults) for uid in user_ids}
    for user_id, kind, channel, enabled in Preference.objects.filter(
        user_id__in=user_ids, kind__in=sorted(kinds)
    ).values_list("user_id", "kind", "channel", "enabled"):
        chosen[kind][user_id][channel] = enabled
    return {
        kind: {uid: {c for c, on in prefs.items() if on} for uid, prefs in people.items()}
        for kind, people in chosen.items()
    }


def _fields(
    row: Notification, notice: Notice, person: Any, wanted: set[str], now: datetime, *, count: int
) -> None:
    """Write `notice` onto `row` as told to `person` (their language), the `count`-th time."""
    extra = dict(notice.data or {})
    if isinstance(notice.verb, Sentence):
        extra["sentence"] = notice.verb.to_data()
        with translation.override(language_for(person)):
            sentence = notice.verb.render()
    else:
        sentence = notice.verb
    target_type, target_id = _ref(notice.target)
    action_type, action_id = _ref(notice.action_object)
    row.actor = notice.actor
    row.kind = notice.kind
    row.verb = sentence
    row.level = notice.level
    row.target_type = target_type
    row.target_id = target_id
    row.action_object_type = action_type
    row.action_object_id = action_id
    row.url = notice.url
    row.data = {**extra, "count": count}
    row.created_at = now
    # Wanted only by push or email: kept for delivery, hidden from the list.
    row.deleted_at = None if Channel.IN_APP in wanted else now


def _deliveries(
    row: Notification,
    kind: str,
    wanted: set[str],
    quiet: DeliverySettings | None,
    devices: dict[int, list[PushSubscription]],
    now: datetime,
) -> list[Delivery]:
    """The pending push and email of one notification, as its recipient chose."""
    due = quiet_until(quiet, now) or now
    deliveries = []
    if Channel.PUSH in wanted:
        # A chat push waits: if the person reads the conversation meanwhile (they are
        # looking at it) or mutes it, the push is skipped.
        grace = timedelta(seconds=settings.WEBPUSH_CHAT_GRACE_SECONDS)
        push_due = max(due, now + grace) if kind == "message.new" else due
        deliveries += [
            Delivery(notification=row, channel=Channel.PUSH, subscription=sub, due_at=push_due)
            for sub in devices.get(row.recipient_id, [])
        ]
    if Channel.EMAIL in wanted:
        deliveries.append(Delivery(notification=row, channel=Channel.EMAIL, due_at=due))
    return deliveries


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
    "Notice",
    "channels_for",
    "delivery_settings_for",
    "notification_delete",
    "notification_deliveries_cancel_for_target",
    "notification_mark",
    "notification_mark_read_for_target",
    "notify",
    "notify_many",
    "preference_set",
    "push_subscription_delete",
    "push_subscription_save",
    "quiet_until",
]
