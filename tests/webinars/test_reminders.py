"""Reminders 24 hours and 15 minutes before an event (webinars/services/reminders.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from community.models import ModerationStatus
from notifications.models import Channel, Delivery, Notification, Preference, PushSubscription
from notifications.outbox import outbox_run
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from webinars.models import Event, EventReminder, ReminderSent, Speaker
from webinars.services.reminders import reminders_send_due

pytestmark = pytest.mark.django_db

DAY, SOON = timedelta(hours=24), timedelta(minutes=15)


@pytest.fixture
def start(room) -> datetime:
    """The room's event, moved to start two days from now (nothing is due yet)."""
    starts = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    Event.objects.filter(pk=room.event.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    return starts


def reminded(kind: str) -> set[int]:
    """Who got a notification of `kind`."""
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def count(kind: str) -> int:
    return Notification.objects.filter(kind=kind).count()


def test_who_is_reminded(room, start):
    linked = UserFactory()
    Speaker.objects.create(event=room.event, name="Linked Speaker", user=linked)
    Speaker.objects.create(event=room.event, name="Guest without an account")
    assert reminders_send_due(now=start - DAY) == 5
    expected = {
        room.attendee.pk,
        room.other_attendee.pk,
        room.host.pk,
        room.speaker.pk,
        linked.pk,
        # the organiser is not registered; waitlisted, pending, removed and outsiders are out
    }
    assert reminded("event.reminder") == expected
    notification = Notification.objects.get(kind="event.reminder", recipient=room.attendee)
    assert notification.url == f"/events/{room.event.slug}/"
    assert room.event.title in notification.verb
    assert notification.data["event_id"] == room.event.pk


def test_who_is_reminded_counts_each_person_once(room, start):
    # A host who also registered is one person.
    RegistrationFactory(event=room.event, user=room.host)
    assert reminders_send_due(now=start - DAY) == 4
    assert Notification.objects.filter(kind="event.reminder", recipient=room.host).count() == 1


def test_on_time_within_a_minute_and_exactly_once(room, start):
    # Not a minute early.
    assert reminders_send_due(now=start - DAY - timedelta(seconds=61)) == 0
    assert reminders_send_due(now=start - DAY - timedelta(seconds=1)) == 0
    # At its time: sent; on the next passes (the next second, a minute later): not again.
    assert reminders_send_due(now=start - DAY) == 4
    assert reminders_send_due(now=start - DAY + timedelta(seconds=1)) == 0
    assert reminders_send_due(now=start - DAY + timedelta(seconds=60)) == 0
    assert count("event.reminder") == 4
    assert count("event.starting") == 0
    # The second one, at its own time.
    assert reminders_send_due(now=start - SOON - timedelta(seconds=1)) == 0
    assert reminders_send_due(now=start - SOON) == 4
    assert reminders_send_due(now=start - SOON + timedelta(seconds=30)) == 0
    assert count("event.starting") == 4
    assert count("event.reminder") == 4
    # The starting one leads into the room, which opens now.
    notification = Notification.objects.get(kind="event.starting", recipient=room.attendee)
    assert notification.url == f"/events/{room.event.slug}/room/"


def test_the_worker_pass_sends_due_reminders_on_the_real_clock(room):
    """Through the worker's pass (notifications.outbox), with the start set relative to now:
    due 30 s ago → sent at once; due in 90 s → not yet."""
    now = timezone.now()
    Event.objects.filter(pk=room.event.pk).update(
        starts_at=now + DAY - timedelta(seconds=30), ends_at=now + DAY + timedelta(hours=1)
    )
    later = EventFactory(starts_at=now + DAY + timedelta(seconds=90))
    RegistrationFactory(event=later, user=room.attendee)
    assert outbox_run() >= 4
    assert outbox_run() == 0
    assert count("event.reminder") == 4
    assert not Notification.objects.filter(target_id=str(later.pk)).exists()


def test_exactly_once_across_a_crash_and_a_restarted_worker(room, start, monkeypatch):
    """A worker that dies after notifying but before its transaction commits leaves nothing;
    the next worker sends everything once, and the one after sends nothing."""
    real = ReminderSent.objects.bulk_create

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(ReminderSent.objects, "bulk_create", crash)
    assert reminders_send_due(now=start - DAY) == 0
    assert count("event.reminder") == 0
    assert not Delivery.objects.exists()
    assert not ReminderSent.objects.exists()
    assert not EventReminder.objects.exists()

    monkeypatch.setattr(ReminderSent.objects, "bulk_create", real)
    assert reminders_send_due(now=start - DAY + timedelta(seconds=5)) == 4
    assert reminders_send_due(now=start - DAY + timedelta(seconds=6)) == 0
    assert count("event.reminder") == 4
    assert ReminderSent.objects.count() == 4


def test_run_worker_once_twice_sends_once(room):
    """`run_worker --once` run twice (a worker restarted): each due reminder once."""
    from django.core import mail

    now = timezone.now()
    Event.objects.filter(pk=room.event.pk).update(
        starts_at=now + DAY - timedelta(seconds=30), ends_at=now + DAY + timedelta(hours=1)
    )
    call_command("run_worker", "--once")
    call_command("run_worker", "--once")
    assert count("event.reminder") == 4
    # The e-mails of the day-before reminder went out (the default for the kind), once.
    assert len(mail.outbox) == 4


def test_big_events_go_in_batches_without_doubles(room, start):
    for _ in range(3):
        RegistrationFactory(event=room.event)
    due = start - DAY
    assert reminders_send_due(now=due, limit=3) == 3
    assert not EventReminder.objects.exists()
    assert reminders_send_due(now=due, limit=3) == 3
    assert reminders_send_due(now=due, limit=3) == 1
    assert EventReminder.objects.filter(event=room.event, reminder="24h").exists()
    assert reminders_send_due(now=due, limit=3) == 0
    assert count("event.reminder") == 7


def test_late_reminders_after_a_worker_was_down(room, start):
    # Down from before the day-before reminder until two hours before the start: sent now.
    assert reminders_send_due(now=start - timedelta(hours=2)) == 4
    assert count("event.reminder") == 4


def test_a_missed_day_before_reminder_is_dropped_for_the_starting_one(room, start):
    assert reminders_send_due(now=start - timedelta(minutes=10)) == 4
    assert count("event.reminder") == 0
    assert count("event.starting") == 4


def test_never_after_the_start(room, start):
    assert reminders_send_due(now=start) == 0
    assert reminders_send_due(now=start + timedelta(minutes=1)) == 0
    assert not Notification.objects.exists()


def test_cancelled_and_unpublished_events_send_none(room, start):
    other = EventFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    RegistrationFactory(event=other)
    Event.objects.filter(pk=room.event.pk).update(cancelled_at=timezone.now())
    Event.objects.filter(pk=other.pk).update(status=ModerationStatus.REJECTED)
    assert reminders_send_due(now=start - DAY) == 0
    assert reminders_send_due(now=start - SOON) == 0
    assert not Notification.objects.exists()


def test_cancelled_after_the_first_reminder(room, start):
    assert reminders_send_due(now=start - DAY) == 4
    Event.objects.filter(pk=room.event.pk).update(cancelled_at=timezone.now())
    assert reminders_send_due(now=start - SOON) == 0
    assert count("event.starting") == 0


def test_a_moved_event_reminds_at_its_new_time(room, start):
    assert reminders_send_due(now=start - DAY) == 4
    moved = start + timedelta(days=3)
    Event.objects.filter(pk=room.event.pk).update(
        starts_at=moved, ends_at=moved + timedelta(hours=1)
    )
    # Not at the old time any more...
    assert reminders_send_due(now=start - SOON) == 0
    assert reminders_send_due(now=moved - DAY - timedelta(seconds=61)) == 0
    # ...but at the new one, again.
    assert reminders_send_due(now=moved - DAY) == 4
    assert count("event.reminder") == 8
    assert set(ReminderSent.objects.values_list("starts_at", flat=True)) == {start, moved}


def test_a_move_within_the_day_reminds_again_at_once(room, start):
    """Moved three hours earlier after the day-before reminder: its new time is past."""
    assert reminders_send_due(now=start - DAY) == 4
    moved = start - timedelta(hours=3)
    Event.objects.filter(pk=room.event.pk).update(
        starts_at=moved, ends_at=moved + timedelta(hours=1)
    )
    assert reminders_send_due(now=start - DAY + timedelta(minutes=1)) == 4
    assert count("event.reminder") == 8


def test_registered_after_the_reminder_went_out_gets_the_next_one(room, start):
    assert reminders_send_due(now=start - DAY) == 4
    late = RegistrationFactory(event=room.event).user
    assert reminders_send_due(now=start - timedelta(hours=5)) == 0
    assert reminders_send_due(now=start - SOON) == 5
    assert late.pk in reminded("event.starting")
    assert late.pk not in reminded("event.reminder")


def test_deliveries_follow_each_persons_preferences(room, start):
    PushSubscription.objects.create(
        user=room.attendee, endpoint="https://push.example.org/a", p256dh="k", auth="a"
    )
    Preference.objects.create(
        user=room.other_attendee, kind="event.reminder", channel=Channel.EMAIL, enabled=False
    )
    Preference.objects.create(
        user=room.host, kind="event.starting", channel=Channel.EMAIL, enabled=True
    )
    reminders_send_due(now=start - DAY)
    reminders_send_due(now=start - SOON)

    def channels(user, kind):
        return sorted(
            Delivery.objects.filter(
                notification__recipient=user, notification__kind=kind
            ).values_list("channel", flat=True)
        )

    # Day before: e-mail by default (not for who turned it off), push to devices.
    assert channels(room.attendee, "event.reminder") == ["email", "push"]
    assert channels(room.other_attendee, "event.reminder") == []
    assert channels(room.host, "event.reminder") == ["email"]
    # Starting: push only by default (no device: nothing), e-mail for who asked for it.
    assert channels(room.attendee, "event.starting") == ["push"]
    assert channels(room.other_attendee, "event.starting") == []
    assert channels(room.host, "event.starting") == ["email"]
    # In the app, everyone.
    assert count("event.starting") == 4


def test_nothing_due_is_two_cheap_queries(room, start, django_assert_num_queries):
    reminders_send_due(now=start - DAY)
    with django_assert_num_queries(2):
        assert reminders_send_due(now=start - DAY + timedelta(seconds=1)) == 0
    with django_assert_num_queries(2):
        assert reminders_send_due(now=start - timedelta(days=5)) == 0


def test_kinds_are_registered_with_their_channels():
    from notifications.kinds import get_kind

    day, soon = get_kind("event.reminder"), get_kind("event.starting")
    assert (day.in_app, day.push, day.email) == (True, True, True)
    assert (soon.in_app, soon.push, soon.email) == (True, True, False)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two workers at once need PostgreSQL's row locks",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_each_person_once(ecosystems):
    import threading
    import time

    starts = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=1))
    for _ in range(6):
        RegistrationFactory(event=event)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def worker() -> None:
        # Like the worker's loop: passes until the reminder is done. A pass that finds the
        # event locked by the other worker skips it at once, so a fixed number of passes
        # could end before the other's batches are (seen under load in CI).
        try:
            barrier.wait()
            total = 0
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                sent = reminders_send_due(now=starts - DAY, limit=2)
                total += sent
                if not sent:
                    if EventReminder.objects.filter(event=event).exists():
                        break
                    time.sleep(0.01)
            results.append(total)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(results) == 6
    assert count("event.reminder") == 6
    assert len(reminded("event.reminder")) == 6


def test_with_a_process_local_layer_the_worker_leaves_reminders_to_the_server(room, settings):
    settings.NOTIFICATION_OUTBOX_IN_SERVER = True
    now = timezone.now()
    Event.objects.filter(pk=room.event.pk).update(
        starts_at=now + SOON - timedelta(seconds=5), ends_at=now + timedelta(hours=1)
    )
    call_command("run_worker", "--once")
    assert count("event.starting") == 0


@pytest.mark.django_db(transaction=True)
def test_the_server_sends_reminders_when_its_layer_is_process_local(ecosystems, settings):
    """No Redis (the embedded default): the server process's own outbox loop reminds."""
    import asyncio
    import contextlib

    from asgiref.sync import sync_to_async
    from django.db import connections

    from notifications.outbox import OutboxInServer

    settings.NOTIFICATION_OUTBOX_IN_SERVER = True
    now = timezone.now()
    event = EventFactory(starts_at=now + SOON - timedelta(seconds=5))
    person = RegistrationFactory(event=event).user

    async def app(scope, receive, send):
        return None

    async def serve() -> bool:
        server = OutboxInServer(app)
        await server({"type": "http"}, None, None)  # the first request starts the loop
        try:
            for _ in range(100):
                if await sync_to_async(reminded)("event.starting"):
                    return True
                await asyncio.sleep(0.05)
            return False
        finally:
            assert server.task is not None
            server.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await server.task
            # The loop's thread keeps a connection: close it, or the test database stays busy.
            await sync_to_async(connections.close_all)()

    assert asyncio.run(serve())
    assert reminded("event.starting") == {person.pk}
