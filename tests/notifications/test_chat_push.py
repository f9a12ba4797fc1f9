"""End to end: a ClusterXchange message reaches the other participant's phone as a push."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.outbox import outbox_drain
from notifications.tasks import Sender, deliveries_drain
from tests.factories import UserFactory
from tests.messaging.conversation_support import one_to_one
from tests.notifications.push_service import (  # noqa: F401 (fixtures)
    push_service_fixture,
    vapid_fixture,
)
from tests.notifications.test_push_delivery import register_device

pytestmark = pytest.mark.django_db


def send_over_api(user, conversation, body, client_id):
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(
        f"/api/v1/xchange/conversations/{conversation.pk}/messages/",
        {"body": body, "client_id": client_id},
        format="json",
    )
    assert response.status_code == 201, response.content
    outbox_drain()  # the worker's next pass writes the notification (notifications.outbox)
    return response.json()


def test_a_chat_message_arrives_as_a_decryptable_push(push_service, vapid):
    anna = UserFactory(full_name="Anna Novak")
    marc = UserFactory(full_name="Marc Dupont")
    conversation = one_to_one(anna, marc)
    device = register_device(marc, push_service)
    register_device(anna, push_service)  # the sender's own phone must stay quiet

    send_over_api(anna, conversation, "Are you coming to **Lyon** on Thursday?", "c1")
    sender = Sender()
    try:
        later = timezone.now() + timedelta(seconds=11)
        assert deliveries_drain(sender=sender, clock=lambda: later) == {"sent": 1}
    finally:
        sender.close()

    [request] = push_service.received
    assert request.valid, request.error
    assert request.subscription_id == device.id
    payload = request.payload
    assert payload["title"] == "New message from Anna Novak"
    assert payload["body"] == "Are you coming to Lyon on Thursday?"
    assert payload["data"]["url"] == f"/xchange/conversations/{conversation.pk}/"
    assert payload["tag"] == f"conversation:{conversation.pk}"


def test_reading_the_conversation_in_time_cancels_the_push(push_service, vapid):
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    register_device(marc, push_service)
    message = send_over_api(anna, conversation, "See you there", "c2")
    # Marc has the conversation open: his page marks the message read at once.
    api = APIClient()
    api.force_authenticate(marc)
    read = api.post(
        f"/api/v1/xchange/conversations/{conversation.pk}/read/",
        {"message_id": message["id"]},
        format="json",
    )
    assert read.status_code == 200, read.content
    notification = Notification.objects.get(recipient=marc)
    assert not notification.unread
    assert [d.status for d in notification.deliveries.all()] == ["skipped"]
    sender = Sender()
    try:
        later = timezone.now() + timedelta(seconds=11)
        assert deliveries_drain(sender=sender, clock=lambda: later) == {}
    finally:
        sender.close()
    assert push_service.received == []


def test_a_muted_conversation_sends_no_notification(push_service, vapid):
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    api = APIClient()
    api.force_authenticate(marc)
    assert api.post(f"/api/v1/xchange/conversations/{conversation.pk}/mute/").status_code == 200
    send_over_api(anna, conversation, "Hello?", "c3")
    assert not Notification.objects.filter(recipient=marc).exists()
