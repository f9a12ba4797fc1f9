"""A message that was stored stays a successful send even when its notifications fail."""

from __future__ import annotations

import logging

import pytest

from messaging.models import Message
from messaging.services.messages import message_send
from notifications.models import Notification
from tests.factories import UserFactory
from tests.messaging.conversation_support import one_to_one

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failing_notification_does_not_fail_the_stored_send(monkeypatch, caplog):
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)

    def broken(*args, **kwargs):
        raise RuntimeError("the notifications table is locked")

    monkeypatch.setattr("messaging.services.messages._notify_message", broken)
    with caplog.at_level(logging.ERROR, logger="messaging.services.messages"):
        message, created = message_send(
            sender=anna, conversation=conversation, body="still here", client_id="c-1"
        )
    assert created
    assert Message.objects.get(pk=message.pk).body == "still here"
    assert "Notifying the recipients" in caplog.text
    # The next send notifies as usual.
    monkeypatch.undo()
    message_send(sender=anna, conversation=conversation, body="and again", client_id="c-2")
    assert Notification.objects.filter(recipient=marc, kind="message.new").exists()
