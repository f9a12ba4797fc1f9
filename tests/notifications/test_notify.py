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
    notification_delete,
    notification_mark,
    notify,
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
