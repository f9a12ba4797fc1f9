"""A chat message's push waits WEBPUSH_CHAT_GRACE_SECONDS; reading or muting the
conversation meanwhile means it never arrives.

Everything goes through the HTTP API as the pages and phones use it, and what arrives is
what the local push service (tests/notifications/push_service.py) received.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.services import preference_set
from notifications.tasks import Sender, deliveries_drain
from tests.factories import UserFactory
from tests.messaging.conversation_support import api, one_to_one
from tests.notifications.push_service import (  # noqa: F401 (fixtures)
    push_service_fixture,
    vapid_fixture,
)
from tests.notifications.test_chat_push import send_over_api
from tests.notifications.test_push_delivery import register_device

pytestmark = pytest.mark.django_db

GRACE = 30


def read_all(user, conversation, message):
    response = api(user).post(
        f"/api/v1/xchange/conversations/{conversation.pk}/read/",
        {"message_id": message["id"]},
        format="json",
    )
    assert response.status_code == 200, response.content


def mute(user, conversation, message):
    response = api(user).post(f"/api/v1/xchange/conversations/{conversation.pk}/mute/")
    assert response.status_code == 200, response.content


def read_without_in_app(user, conversation, message):
    """Marc gets chat messages on his phone only: the notification is hidden from his list,
    but reading the conversation must still stop its push."""
    read_all(user, conversation, message)


@pytest.mark.parametrize(
    ("meanwhile", "arrives"),
    [
        (None, True),
        (read_all, False),
        (mute, False),
        (read_without_in_app, False),
    ],
)
def test_a_chat_push_waits_the_grace_period_and_is_dropped_if_read_or_muted(
    push_service, vapid, settings, meanwhile, arrives
):
    settings.WEBPUSH_CHAT_GRACE_SECONDS = GRACE
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    device = register_device(marc, push_service)
    if meanwhile is read_without_in_app:
        preference_set(user=marc, kind="message.new", channel="in_app", enabled=False)
    sent_at = timezone.now()
    message = send_over_api(anna, conversation, "Lunch in Graz?", "grace-1")
    if meanwhile is read_without_in_app:  # kept for the push, not in Marc's list
        assert Notification.objects.get(recipient=marc).deleted_at is not None
    if meanwhile is not None:
        meanwhile(marc, conversation, message)

    sender = Sender()
    try:
        within = sent_at + timedelta(seconds=GRACE - 5)
        assert deliveries_drain(sender=sender, clock=lambda: within) == {}
        assert push_service.received == []
        after = timezone.now() + timedelta(seconds=GRACE + 1)
        outcome = deliveries_drain(sender=sender, clock=lambda: after)
    finally:
        sender.close()

    if arrives:
        assert outcome == {"sent": 1}
        [request] = push_service.accepted(device)
        assert request.payload["body"] == "Lunch in Graz?"
    else:
        assert outcome == {}
        assert push_service.received == []
