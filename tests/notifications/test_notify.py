"""The notify service: records, live badge events, preferences, outbox rows."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.db import transaction

from notifications.models import (
    Delivery,
    DeliverySettings,
    DeliveryStatus,
    Notification,
    PushSubscription,
)
from notifications.services import (
    Notice,
    notification_delete,
    notification_mark,
    notify,
    notify_many,
    preference_set,
    quiet_until,
)
from realtime.models import Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_device(user, n=1):
    """A registered device, as stored (registration itself: test_push_targets.py)."""
    return PushSubscription.objects.create(
        user=user, endpoint=f"https://fcm.googleapis.com/{user.pk}/{n}", p256dh="k", auth="a"
    )


def test_notify_records_and_announces_on_the_user_topic(django_capture_on_commit_callbacks):
    anna, marc = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [created] = notify(
            recipients=[marc, anna], actor=anna, kind="listing.interest", verb="Anna is interested"
        )
    assert created.recipient == marc
    assert created.unread
    event = Event.objects.get(topic=f"user:{marc.pk}")
    assert event.type == "notification.created"
    assert event.data["unread_count"] == 1
    assert event.data["notification"]["verb"] == "Anna is interested"
    assert len(callbacks) == 1  # the broadcast, after commit
    assert not Event.objects.filter(topic=f"user:{anna.pk}").exists()


def test_preferences_choose_channels():
    marc = UserFactory()
    add_device(marc, 1)
    add_device(marc, 2)
    notify(recipients=[marc], kind="message.new", verb="New message")
    deliveries = Delivery.objects.filter(notification__recipient=marc)
    assert sorted(d.channel for d in deliveries) == ["push", "push"]

    preference_set(user=marc, kind="message.new", channel="push", enabled=False)
    preference_set(user=marc, kind="message.new", channel="email", enabled=True)
    preference_set(user=marc, kind="message.new", channel="in_app", enabled=False)
    [hidden] = notify(recipients=[marc], kind="message.new", verb="Another")
    assert hidden.deleted_at is not None  # kept for the email, not shown in the list
    assert [d.channel for d in hidden.deliveries.all()] == ["email"]


def test_unknown_kind_is_refused():
    with pytest.raises(LookupError):
        notify(recipients=[UserFactory()], kind="no.such.kind", verb="x")


def test_group_key_collapses_a_burst():
    marc = UserFactory()
    add_device(marc)
    for n in range(3):
        notify(
            recipients=[marc], kind="message.new", verb=f"Message {n}", group_key="conversation:1"
        )
    [only] = Notification.objects.filter(recipient=marc)
    assert only.verb == "Message 2"
    assert only.data["count"] == 3
    statuses = sorted(only.deliveries.values_list("status", flat=True))
    assert statuses == ["pending", "skipped", "skipped"]


def test_rolled_back_transaction_leaves_nothing_to_send():
    marc = UserFactory()
    add_device(marc)

    class RollbackError(Exception):
        pass

    def failing_write():
        with transaction.atomic():
            notify(recipients=[marc], kind="message.new", verb="x")
            raise RollbackError

    with pytest.raises(RollbackError):
        failing_write()
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert not Event.objects.exists()


def test_marking_read_skips_pending_deliveries_and_ignores_foreign_ids():
    marc, eve = UserFactory(), UserFactory()
    add_device(marc)
    [mine] = notify(recipients=[marc], kind="message.new", verb="x")
    [theirs] = notify(recipients=[eve], kind="message.new", verb="y")
    assert notification_mark(user=eve, ids=[mine.pk], unread=False) == 0
    mine.refresh_from_db()
    assert mine.unread
    assert notification_mark(user=marc, ids=[mine.pk, theirs.pk], unread=False) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert not mine.unread
    assert theirs.unread
    assert mine.deliveries.get().status == DeliveryStatus.SKIPPED
    badge = Event.objects.filter(topic=f"user:{marc.pk}").last()
    assert (badge.type, badge.data) == ("notifications.unread", {"unread_count": 0})
    assert notification_delete(user=eve, ids=[mine.pk]) == 0


def test_quiet_hours_defer_delivery():
    marc = UserFactory()
    row = DeliverySettings.objects.create(
        user=marc, quiet_start=time(22, 0), quiet_end=time(7, 0), timezone="Europe/Brussels"
    )
    late = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)  # 23:30 in Brussels
    assert quiet_until(row, late) == datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
    noon = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    assert quiet_until(row, noon) is None


def test_a_grouped_notification_hidden_by_a_preference_and_the_next_one():
    """In-app turned off: the unread notification of the group is updated, hidden from the
    list (kept for push and e-mail), and the one after it is a new notification."""
    marc = UserFactory()
    [first] = notify(recipients=[marc], kind="message.new", verb="One", group_key="c:1")
    preference_set(user=marc, kind="message.new", channel="in_app", enabled=False)
    preference_set(user=marc, kind="message.new", channel="email", enabled=True)
    [second] = notify(recipients=[marc], kind="message.new", verb="Two", group_key="c:1")
    [third] = notify(recipients=[marc], kind="message.new", verb="Three", group_key="c:1")
    assert second.pk == first.pk
    assert third.pk != first.pk
    rows = {row.pk: row for row in Notification.objects.filter(recipient=marc)}
    assert (rows[first.pk].data["count"], rows[first.pk].deleted_at is None) == (2, False)
    assert (rows[third.pk].data["count"], rows[third.pk].deleted_at is None) == (1, False)
    badges = Event.objects.filter(topic=f"user:{marc.pk}", type="notification.created")
    assert badges.count() == 1  # only the first, shown in the list


def told(person):
    rows = Notification.objects.filter(recipient=person).order_by("pk")
    events = Event.objects.filter(topic=f"user:{person.pk}", type="notification.created")
    return (
        [(r.kind, r.verb, r.data["count"], r.deleted_at is None, r.unread) for r in rows],
        [(e.data["notification"]["verb"], e.data["unread_count"]) for e in events.order_by("seq")],
        sorted(
            (d.notification.verb, d.channel, d.status, d.last_error)
            for d in Delivery.objects.filter(notification__recipient=person)
        ),
    )


def test_notify_many_tells_what_notify_tells_one_after_the_other():
    def person():
        someone = UserFactory()
        add_device(someone)
        notify(recipients=[someone], kind="message.new", verb="Before", group_key="c:1")
        notify(recipients=[someone], kind="listing.updated", verb="Other", group_key="l:1")
        # listing.updated stops showing in the list: its group's next one is hidden.
        preference_set(user=someone, kind="listing.updated", channel="in_app", enabled=False)
        preference_set(user=someone, kind="listing.updated", channel="email", enabled=True)
        return someone

    def notices(someone):
        return [
            Notice(recipients=[someone], kind="message.new", verb="A", group_key="c:1"),
            Notice(recipients=[someone], kind="listing.updated", verb="B", group_key="l:1"),
            Notice(recipients=[someone], kind="message.new", verb="C", group_key="c:1"),
            Notice(recipients=[someone], kind="listing.updated", verb="D", group_key="l:1"),
            Notice(recipients=[someone], kind="message.new", verb="E", group_key="c:2"),
            Notice(recipients=[someone], kind="message.new", verb="F"),
        ]

    one_by_one, together = person(), person()
    for notice in notices(one_by_one):
        notify_many([notice])
    notify_many(notices(together))
    assert told(together) == told(one_by_one)
    rows, badges, _deliveries = told(together)
    assert [b[1] for b in badges] == [1, 2, 2, 1, 2, 3]  # Before, Other, A, C (B hid Other), E, F
    assert ("message.new", "C", 3, True, True) in rows
