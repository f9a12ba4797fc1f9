"""Reminders to a call's followers a week and a day before its deadline, sent by the
worker's drain: each exactly once per deadline, across passes and a restarted worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hub.models import CallFollow, CallReminderSent
from hub.services.reminders import call_reminders_send_due
from notifications.models import Notification
from notifications.outbox import outbox_drain
from tests.factories import UserFactory
from tests.hub.conftest import make_call

pytestmark = pytest.mark.django_db


def _reminders(user):
    return list(Notification.objects.filter(recipient=user, kind="call.deadline").order_by("pk"))


@pytest.fixture
def followed(world):
    call = make_call(status="published", author=world.people["staff"], organisation=None, days=30)
    follower = UserFactory()
    CallFollow.objects.create(call=call, user=follower)
    return call, follower


def test_nothing_is_due_more_than_a_week_before(followed):
    call, follower = followed
    now = call.deadline - timedelta(days=7, seconds=1)
    assert call_reminders_send_due(now=now) == 0
    assert _reminders(follower) == []


def test_the_week_reminder_is_sent_once_across_passes_and_a_restart(followed):
    call, follower = followed
    now = call.deadline - timedelta(days=7) + timedelta(seconds=1)
    assert call_reminders_send_due(now=now) == 1
    # A second pass, and a "restarted worker" (a new pass later, nothing held in memory).
    assert call_reminders_send_due(now=now) == 0
    assert call_reminders_send_due(now=now + timedelta(hours=3)) == 0
    [note] = _reminders(follower)
    assert "closes within a week" in note.verb
    assert note.url == call.get_absolute_url()


def test_the_day_reminder_follows_and_nothing_after_the_deadline(followed):
    call, follower = followed
    call_reminders_send_due(now=call.deadline - timedelta(days=6))
    assert call_reminders_send_due(now=call.deadline - timedelta(hours=23)) == 1
    assert call_reminders_send_due(now=call.deadline - timedelta(hours=1)) == 0
    assert call_reminders_send_due(now=call.deadline + timedelta(seconds=1)) == 0
    texts = [n.verb for n in _reminders(follower)]
    assert len(texts) == 2
    assert "within 24 hours" in texts[1]


def test_a_late_worker_sends_only_the_reminder_still_due(followed):
    """No worker ran during the week: at 12 hours before, only the day reminder is sent."""
    call, follower = followed
    assert call_reminders_send_due(now=call.deadline - timedelta(hours=12)) == 1
    assert [n.verb for n in _reminders(follower)] == [
        f"Reminder: the call “{call.title}” closes within 24 hours"
    ]


def test_a_moved_deadline_is_reminded_again(followed):
    call, _follower = followed
    call_reminders_send_due(now=call.deadline - timedelta(hours=12))
    call.deadline += timedelta(days=3)
    call.save()
    assert call_reminders_send_due(now=call.deadline - timedelta(hours=12)) == 1
    assert CallReminderSent.objects.count() == 2


def test_a_crash_before_commit_leaves_the_reminder_for_the_next_pass(followed, monkeypatch):
    """The sent-marker and the notification commit together: a failure in between sends
    nothing and records nothing, and the next pass sends it once."""
    call, follower = followed
    now = call.deadline - timedelta(hours=12)

    def crash(**kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr("hub.services.reminders.notify", crash)
    assert call_reminders_send_due(now=now) == 0
    assert not CallReminderSent.objects.exists()
    monkeypatch.undo()
    assert call_reminders_send_due(now=now) == 1
    assert call_reminders_send_due(now=now) == 0
    assert len(_reminders(follower)) == 1


def test_unpublished_calls_and_unfollowers_get_nothing(world, followed):
    call, follower = followed
    CallFollow.objects.create(call=world.calls["pending"], user=follower)
    world.calls["pending"].deadline = timezone.now() + timedelta(hours=2)
    world.calls["pending"].save()
    CallFollow.objects.filter(call=call).delete()
    assert call_reminders_send_due(now=call.deadline - timedelta(hours=2)) == 0
    assert call_reminders_send_due() == 0
    assert _reminders(follower) == []


def test_the_worker_runs_the_drain(followed):
    call, follower = followed
    call.deadline = timezone.now() + timedelta(days=3)
    call.save()
    outbox_drain()
    outbox_drain()
    assert len(_reminders(follower)) == 1
