"""`message.new` notifications are written by the worker after the send (the outbox).

The send marks its message `notify_pending` in its own transaction; the worker's pass
(notifications.outbox) writes the notifications and clears the mark in one transaction.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from django.db import transaction

from messaging.models import Message
from messaging.services.blocks import user_block
from messaging.services.inbox import conversation_mark_read, conversation_mute
from messaging.services.messages import (
    message_delete,
    message_notifications_drain,
)
from notifications.models import Notification
from notifications.outbox import outbox_drain, outbox_run, register_drain
from realtime.models import Event
from tests.factories import UserFactory
from tests.messaging.conversation_support import group, one_to_one, send

pytestmark = pytest.mark.django_db


def notified(person):
    return Notification.objects.filter(recipient=person, kind="message.new")


def test_the_send_leaves_the_notification_to_the_worker(anna, marc, pair):
    message = send(anna, pair)
    assert Message.objects.get(pk=message.pk).notify_pending
    assert not notified(marc).exists()

    assert outbox_run() == 1
    (notification,) = notified(marc)
    assert notification.unread
    assert notification.data["sentence"]["params"] == {"who": anna.display_name}
    assert Event.objects.filter(topic=f"user:{marc.pk}", type="notification.created").exists()
    assert not Message.objects.get(pk=message.pk).notify_pending
    # Done once: the next pass finds nothing.
    assert outbox_run() == 0
    assert notified(marc).count() == 1


def test_a_burst_stays_one_notification_with_its_count(anna, marc, pair):
    for n in range(3):
        send(anna, pair, f"Line {n}")
    assert message_notifications_drain(limit=2) == 2
    assert message_notifications_drain(limit=2) == 1
    (notification,) = notified(marc)
    assert notification.data["count"] == 3


def test_nobody_to_tell_marks_nothing_pending(anna, marc, pair):
    conversation_mute(user=marc, conversation=pair, muted=True)
    message = send(anna, pair)
    assert not Message.objects.get(pk=message.pk).notify_pending
    assert outbox_run() == 0


def test_read_muted_or_deleted_before_the_worker_notifies_nobody(anna, marc, lea):
    team = group(anna, marc, lea)
    read = send(anna, team, "Read at once")
    conversation_mark_read(user=marc, conversation=team, message_id=read.pk)
    conversation_mute(user=lea, conversation=team, muted=True)
    assert outbox_run() == 1
    assert not notified(marc).exists()
    assert not notified(lea).exists()

    gone = send(anna, team, "Sent by mistake")
    message_delete(user=anna, message=gone)
    assert outbox_run() == 1
    assert not notified(marc).exists()


def test_who_blocked_the_sender_in_a_group_is_not_told(anna, marc, lea):
    team = group(anna, marc, lea)
    user_block(blocker=lea, blocked=anna)
    send(anna, team)
    outbox_drain()
    assert notified(marc).exists()
    assert not notified(lea).exists()


def test_a_rolled_back_pass_leaves_the_messages_pending(anna, marc, pair):
    message = send(anna, pair)
    handled = []

    def pass_that_dies():
        with transaction.atomic():
            handled.append(message_notifications_drain())
            raise RuntimeError("the worker died before its commit")

    with pytest.raises(RuntimeError):
        pass_that_dies()
    assert handled == [1]
    assert Message.objects.get(pk=message.pk).notify_pending
    assert not notified(marc).exists()
    assert outbox_run() == 1
    assert notified(marc).count() == 1


def test_a_failing_notification_is_logged_and_the_next_message_notifies(
    anna, marc, pair, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("the notifications table is locked")

    first = send(anna, pair, "still here")
    monkeypatch.setattr("messaging.services.messages._message_notice", broken)
    with caplog.at_level(logging.ERROR, logger="messaging.services.messages"):
        assert outbox_run() == 1
    assert "Notifying the recipients" in caplog.text
    assert Message.objects.get(pk=first.pk).body == "still here"
    assert not Message.objects.get(pk=first.pk).notify_pending  # not retried forever
    monkeypatch.undo()
    send(anna, pair, "and again")
    assert outbox_run() == 1
    assert notified(marc).exists()


def test_a_failing_drain_does_not_stop_the_others(anna, marc, pair, caplog):
    def broken(limit):
        raise RuntimeError("broken drain")

    register_drain("test.broken", broken)
    try:
        send(anna, pair)
        with caplog.at_level(logging.ERROR, logger="notifications.outbox"):
            assert outbox_run() == 1
        assert "outbox drain test.broken failed" in caplog.text
        assert notified(marc).exists()
    finally:
        from notifications import outbox

        outbox._DRAINS.pop("test.broken")


def test_the_worker_writes_pending_notifications(anna, marc, pair):
    send(anna, pair)
    call_command("run_worker", "--once", stdout=io.StringIO())
    assert notified(marc).exists()


def test_a_reply_before_the_worker_passes_counts_as_read(anna, marc):
    conversation = one_to_one(anna, marc)
    send(anna, conversation, "One")
    send(marc, conversation, "Two")  # Marc answered: he has read "One"
    assert outbox_drain() == 2
    assert not notified(marc).exists()
    assert notified(anna).count() == 1


def test_with_a_process_local_layer_the_worker_leaves_the_outbox_to_the_server(
    anna, marc, pair, settings
):
    settings.NOTIFICATION_OUTBOX_IN_SERVER = True  # no Redis: the worker reaches no socket
    message = send(anna, pair)
    call_command("run_worker", "--once", stdout=io.StringIO())
    assert Message.objects.get(pk=message.pk).notify_pending
    assert not notified(marc).exists()


@pytest.mark.django_db(transaction=True)
def test_the_server_writes_the_outbox_when_its_layer_is_process_local(settings):
    import asyncio

    from asgiref.sync import sync_to_async

    from notifications.outbox import OutboxInServer

    settings.NOTIFICATION_OUTBOX_IN_SERVER = True
    anna, marc = UserFactory(), UserFactory()
    send(anna, one_to_one(anna, marc))
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    async def serve() -> bool:
        server = OutboxInServer(app)
        await server({"type": "http"}, None, None)  # the first request starts the loop
        await server({"type": "http"}, None, None)
        try:
            for _ in range(60):
                if await sync_to_async(notified(marc).exists)():
                    return True
                await asyncio.sleep(0.05)
            return False
        finally:
            assert server.task is not None
            server.task.cancel()

    assert asyncio.run(serve())
    assert seen == ["http", "http"]
