"""A notification's sentence is shown in the reader's language at the time they read it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from notifications.sentences import Sentence
from notifications.services import notify
from notifications.tasks import Sender, deliveries_drain
from realtime.models import Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MSGID = "New message from %(who)s"


def written_in_english(person, who="Marie Dubois", msgid=MSGID, kind="message.new"):
    person.language = "en"
    person.save(update_fields=["language"])
    [notification] = notify(recipients=[person], kind=kind, verb=Sentence(msgid, {"who": who}))
    with translation.override("en"):
        assert notification.verb == Sentence(msgid, {"who": who}).render()
    person.language = "fr"
    person.save(update_fields=["language"])
    return notification


def test_the_list_page_shows_the_sentence_in_the_readers_language_now(client):
    marc = UserFactory()
    written_in_english(marc)
    client.force_login(marc)
    page = client.get(reverse("notifications")).content.decode()
    assert "Nouveau message de Marie Dubois" in page
    assert "New message from Marie Dubois" not in page


def test_the_api_gives_the_sentence_in_the_readers_language_now(api_client):
    marc = UserFactory()
    written_in_english(marc)
    api_client.force_login(marc)
    [item] = api_client.get("/api/v1/notifications/").json()["results"]
    assert item["verb"] == "Nouveau message de Marie Dubois"


def test_the_live_event_is_in_the_recipients_language():
    marc = UserFactory(language="fr")
    with translation.override("de"):
        notify(recipients=[marc], kind="message.new", verb=Sentence(MSGID, {"who": "Hans"}))
    event = Event.objects.get(topic=f"user:{marc.pk}", type="notification.created")
    assert event.data["notification"]["verb"] == "Nouveau message de Hans"


def test_parameters_with_percent_signs_and_html_are_shown_as_text(client):
    marc = UserFactory()
    who = "<b>100%</b> %(who)s & co"
    written_in_english(marc, who=who)
    client.force_login(marc)
    page = client.get(reverse("notifications")).content.decode()
    assert "Nouveau message de &lt;b&gt;100%&lt;/b&gt; %(who)s &amp; co" in page
    assert "<b>100%</b>" not in page


def test_a_msgid_no_catalogue_knows_is_shown_as_written(api_client):
    marc = UserFactory()
    written_in_english(marc, msgid="Removed sentence about %(who)s")
    api_client.force_login(marc)
    [item] = api_client.get("/api/v1/notifications/").json()["results"]
    assert item["verb"] == "Removed sentence about Marie Dubois"


def test_stored_parameters_that_no_longer_fit_fall_back_to_the_stored_sentence(client, api_client):
    marc = UserFactory()
    notification = written_in_english(marc)
    notification.data["sentence"]["msgid"] = "New message from %(sender)s"
    notification.save(update_fields=["data"])
    client.force_login(marc)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert "New message from Marie Dubois" in response.content.decode()
    api_client.force_login(marc)
    [item] = api_client.get("/api/v1/notifications/").json()["results"]
    assert item["verb"] == "New message from Marie Dubois"


def test_nested_sentences_are_translated_too(api_client):
    marc = UserFactory(language="fr")
    notify(
        recipients=[marc],
        kind="conversation.added",
        verb=Sentence(
            "%(who)s added you to %(title)s",
            {"who": "Anna", "title": Sentence("a conversation")},
        ),
    )
    api_client.force_login(marc)
    [item] = api_client.get("/api/v1/notifications/").json()["results"]
    assert item["verb"] == "Anna vous a ajouté à une conversation"


def test_email_is_written_in_the_recipients_language_when_it_is_sent():
    marc = UserFactory()
    written_in_english(marc, kind="listing.interest")  # a kind e-mailed by default
    sender = Sender()
    try:
        deliveries_drain(sender=sender)
    finally:
        sender.close()
    [message] = mail.outbox
    assert message.subject == "Nouveau message de Marie Dubois"
    assert "Nouveau message de Marie Dubois" in message.body
