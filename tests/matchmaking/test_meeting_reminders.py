"""Reminders 15 minutes before each meeting: to its two people, once per start, across a
crashed and a restarted worker (matchmaking/services/reminders.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from matchmaking.models import MeetingReminderSent, MeetingSlot
from matchmaking.services.reminders import meeting_reminders_send_due
from notifications.models import Notification
from notifications.outbox import outbox_run
from tests.matchmaking.agenda_world import World, book_meeting, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def reminded() -> list[tuple[int, str]]:
    rows = Notification.objects.filter(kind="meeting.starting").order_by("recipient_id")
    return [(n.recipient_id, n.url) for n in rows]


def test_both_people_are_reminded_once_through_the_worker(world: World):
    meeting = book_meeting(world, timezone.now() + dt.timedelta(minutes=14))
    later = book_meeting(world, timezone.now() + dt.timedelta(minutes=40))
    assert outbox_run() >= 2
    outbox_run()
    url = f"/matchmaking/meetings/{meeting.pk}/"
    assert reminded() == sorted([(world.anna.pk, url), (world.marc.pk, url)])
    anna = Notification.objects.get(kind="meeting.starting", recipient=world.anna)
    assert anna.data["meeting_id"] == meeting.pk
    assert "Marc Weber" in anna.verb
    assert not MeetingReminderSent.objects.filter(meeting=later).exists()


def test_run_worker_once_twice_sends_once(world: World):
    book_meeting(world, timezone.now() + dt.timedelta(minutes=10))
    call_command("run_worker", "--once")
    call_command("run_worker", "--once")
    assert len(reminded()) == 2


def test_exactly_once_across_a_crash_and_a_restarted_worker(world: World, monkeypatch):
    """A worker that dies after notifying the first person but before its transaction
    commits leaves nothing; the next pass sends both once, the one after nothing."""
    meeting = book_meeting(world, timezone.now() + dt.timedelta(minutes=30))
    start = meeting.slot.starts_at
    real = MeetingReminderSent.objects.create

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(MeetingReminderSent.objects, "create", crash)
    assert meeting_reminders_send_due(now=start - dt.timedelta(minutes=15)) == 0
    assert reminded() == []
    monkeypatch.setattr(MeetingReminderSent.objects, "create", real)
    assert meeting_reminders_send_due(now=start - dt.timedelta(minutes=14)) == 2
    assert meeting_reminders_send_due(now=start - dt.timedelta(minutes=13)) == 0
    assert len(reminded()) == 2


def test_late_but_never_after_the_start_and_again_for_a_new_start(world: World):
    meeting = book_meeting(world, timezone.now() + dt.timedelta(hours=2))
    start = meeting.slot.starts_at
    assert meeting_reminders_send_due(now=start - dt.timedelta(minutes=16)) == 0
    assert meeting_reminders_send_due(now=start) == 0  # started: too late
    assert meeting_reminders_send_due(now=start - dt.timedelta(minutes=1)) == 2  # late, due
    # Moved to a later slot: reminded again for the new start.
    new_start = start + dt.timedelta(hours=1)
    MeetingSlot.objects.filter(pk=meeting.slot_id).update(
        starts_at=new_start, ends_at=new_start + dt.timedelta(minutes=20)
    )
    assert meeting_reminders_send_due(now=new_start - dt.timedelta(minutes=5)) == 2


def test_no_reminder_of_a_cancelled_meeting_nor_to_a_withdrawn_person(world: World):
    cancelled = book_meeting(world, timezone.now() + dt.timedelta(minutes=10))
    cancelled.status = "cancelled"
    cancelled.save()
    assert meeting_reminders_send_due() == 0
    meeting = book_meeting(world, timezone.now() + dt.timedelta(minutes=40))
    registration = world.event.registrations.get(user=world.marc)
    registration.status = "cancelled"
    registration.save()
    # Marc's withdrawal cancelled the meeting (Anna was told): nobody is reminded of it.
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert meeting_reminders_send_due(now=meeting.slot.starts_at - dt.timedelta(minutes=5)) == 0
    assert reminded() == []
