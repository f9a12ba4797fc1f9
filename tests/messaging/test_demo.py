import pytest
from django.core.management import call_command

from messaging.models import Conversation, Listing, Message
from notifications.models import Notification


@pytest.mark.django_db
def test_seed_demo_adds_listings_and_live_conversations():
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Listing.objects.filter(status="open").count() >= 10
    anna_talks = Conversation.objects.filter(
        participants__user__email="anna.schmidt@clusterhub.example"
    )
    assert anna_talks.exists()
    assert Message.objects.filter(conversation__in=anna_talks).count() >= 2
    # Written through the services: the people who were written to were notified.
    assert Notification.objects.filter(kind__in=["listing.interest", "message.new"]).exists()
