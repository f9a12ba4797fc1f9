"""Staff handle reported messages in the admin; other messages stay private."""

from __future__ import annotations

import pytest
from django.test import Client

from messaging.models import MessageReport
from messaging.services import messages as services
from realtime.models import Event
from tests.factories import StaffFactory, UserFactory
from tests.messaging.conversation_support import one_to_one, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))
    return client


def test_admin_hides_unreported_text_and_shows_reported_text(staff_client):
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    private = send(anna, conversation, "our secret plan")
    reported = send(anna, conversation, "buy cheap pills")
    services.message_report(reporter=marc, message=reported, reason="spam")
    page = staff_client.get(f"/admin/messaging/message/{private.pk}/change/")
    assert page.status_code == 200
    assert b"our secret plan" not in page.content
    assert (
        b"buy cheap pills"
        in staff_client.get(f"/admin/messaging/message/{reported.pk}/change/").content
    )
    queue = staff_client.get("/admin/messaging/messagereport/")
    assert queue.status_code == 200
    report = MessageReport.objects.get()
    assert (
        b"buy cheap pills"
        in staff_client.get(f"/admin/messaging/messagereport/{report.pk}/change/").content
    )


def test_resolve_and_remove_leaves_a_tombstone_and_tells_the_conversation(staff_client):
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    reported = send(anna, conversation, "buy cheap pills")
    report = services.message_report(reporter=marc, message=reported, reason="spam")
    response = staff_client.post(
        "/admin/messaging/messagereport/",
        {"action": "resolve_and_remove", "_selected_action": [report.pk]},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    reported.refresh_from_db()
    assert report.resolved_at is not None
    assert reported.deleted_at is not None
    assert reported.body == ""
    assert Event.objects.filter(topic=conversation.topic, type="message.deleted").exists()
