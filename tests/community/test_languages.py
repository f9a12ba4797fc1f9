"""The interface language and time zone: the switcher, a person's saved choice, <html lang>,
e-mails and pushes in the recipient's language, local times, the JavaScript catalogue."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from community.models import User
from notifications.models import DeliverySettings
from notifications.outbox import outbox_drain
from notifications.sentences import Sentence
from notifications.services import notify
from notifications.tasks import Sender, deliveries_drain
from tests.factories import UserFactory
from tests.messaging.conversation_support import colleagues, one_to_one, send
from tests.notifications.push_service import (  # noqa: F401 (fixtures)
    allow_local_push_services,
    push_service_fixture,
    vapid_fixture,
)
from tests.notifications.test_push_delivery import register_device

pytestmark = pytest.mark.django_db

HTML_LANG = re.compile(r'<html lang="([^"]+)" dir="(ltr|rtl)">')


def page_language(response) -> str:
    match = HTML_LANG.search(response.content.decode())
    assert match, "no <html lang dir>"
    return match.group(1)


def switch(client: Client, language: str, next_url: str = "/directory/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


# --- The switcher and <html lang> --------------------------------------------------------


def test_a_visitor_sees_the_switcher_with_each_language_named_in_itself(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    form = html[
        html.index('class="lang-switch"') : html.index("</form>", html.index("lang-switch"))
    ]
    assert 'action="/i18n/setlang/"' in form
    for code, name in [
        ("fr", "Français"),
        ("de", "Deutsch"),
        ("es", "Español"),
        ("it", "Italiano"),
        ("en", "English"),
    ]:
        assert f'<option value="{code}" lang="{code}"' in form
        assert f">{name}</option>" in form
    assert '<option value="fr" lang="fr" selected>' in form
    assert 'for="lang-select"' in form
    assert 'id="lang-select"' in form
    assert 'type="submit"' in form  # works without JavaScript


def test_html_lang_names_the_language_of_the_browser_then_of_the_switcher(client):
    assert page_language(client.get("/directory/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")) == "fr"
    response = switch(client, "de")
    assert response.status_code == 302
    assert response["Location"] == "/directory/"
    again = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert page_language(again) == "de"
    assert again["Content-Language"] == "de"


def test_a_language_without_a_catalogue_falls_back_and_says_so(client):
    response = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")
    assert page_language(response) == "en"


def test_the_switcher_refuses_an_unknown_language_and_a_foreign_next(client):
    switch(client, "xx")
    assert page_language(client.get("/directory/")) == "en"
    response = switch(client, "it", next_url="https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# --- A person's saved language ------------------------------------------------------------


def test_a_logged_in_persons_language_wins_over_the_browser_and_the_cookie(client):
    person = UserFactory(language="it")
    client.force_login(person)
    client.cookies["django_language"] = "fr"
    response = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="de")
    assert page_language(response) == "it"


def test_switching_while_logged_in_saves_the_choice(client):
    person = UserFactory(language="")
    client.force_login(person)
    switch(client, "es")
    person.refresh_from_db()
    assert person.language == "es"
    # Another browser of the same person, asking for German, gets Spanish.
    other = Client()
    other.force_login(person)
    assert page_language(other.get("/directory/", HTTP_ACCEPT_LANGUAGE="de")) == "es"


def test_the_account_page_edits_the_language(client):
    person = UserFactory(language="", full_name="Hans Weber")
    client.force_login(person)
    page = client.get("/account/").content.decode()
    assert '<option value="de" lang="de">Deutsch</option>' in page
    response = client.post("/account/", {"full_name": "Hans Weber", "language": "de"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "de"
    assert page_language(client.get("/account/")) == "de"
    bad = client.post("/account/", {"full_name": "Hans Weber", "language": "xx"})
    assert bad.status_code == 400
    person.refresh_from_db()
    assert person.language == "de"


def test_the_profile_api_reads_and_writes_the_language(api_client):
    person = UserFactory(language="")
    api_client.force_authenticate(person)
    assert api_client.get("/api/v1/me/").json()["language"] == ""
    assert api_client.patch("/api/v1/me/", {"language": "fr"}).status_code == 200
    person.refresh_from_db()
    assert person.language == "fr"
    refused = api_client.patch("/api/v1/me/", {"language": "pt"})
    assert refused.status_code == 400
    assert "language" in refused.json()["error"]["fields"]


def test_a_person_registering_on_a_german_page_is_written_to_in_german(
    client, django_capture_on_commit_callbacks
):
    switch(client, "de")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/register/",
            {
                "email": "neu@example.de",
                "full_name": "Neue Person",
                "password1": "a-long-enough-Passw0rd!",
                "password2": "a-long-enough-Passw0rd!",
            },
        )
    assert response.status_code == 302, response.content
    assert User.objects.get(email="neu@example.de").language == "de"
    [message] = mail.outbox
    with translation.override("de"):
        subject = render_to_string(
            "community/emails/accounts_verify_subject.txt", {"site_name": "ClusterHub"}
        )
    assert message.subject == " ".join(subject.split())


# --- E-mail and push in the recipient's language -----------------------------------------


@pytest.fixture
def sender():
    value = Sender()
    yield value
    value.close()


def test_email_and_push_are_written_in_the_recipients_language(push_service, vapid, sender):
    anna = UserFactory(full_name="Anna Novak", language="fr")
    hans = UserFactory(full_name="Hans Weber", language="de")
    register_device(hans, push_service)
    # Anna acts in French; Hans is written to in German.
    with translation.override("fr"):
        [notification] = notify(
            recipients=[hans],
            actor=anna,
            kind="listing.interest",
            verb=Sentence(
                "%(who)s is interested in %(title)s",
                {"who": "Anna Novak", "title": "Hydrogen valleys"},
            ),
            url="/xchange/",
        )
    with translation.override("de"):
        german = gettext("%(who)s is interested in %(title)s") % {
            "who": "Anna Novak",
            "title": "Hydrogen valleys",
        }
    assert notification.verb == german

    assert deliveries_drain(sender=sender) == {"sent": 2}
    [request] = push_service.received
    assert request.payload["lang"] == "de"
    assert request.payload["title"] == german
    [message] = mail.outbox
    assert message.subject == german
    # A string of the e-mail that the German catalogue translates.
    assert "Wählen Sie die Sprache Ihrer E-Mails" in message.body
    assert "Choose the language" not in message.body
    html = message.alternatives[0][0]
    assert '<html lang="de">' in html


def test_a_person_without_a_saved_language_is_written_to_in_the_sites(push_service, sender):
    marc = UserFactory(language="")
    with translation.override("de"):
        notify(
            recipients=[marc],
            kind="listing.interest",
            verb=Sentence(
                "%(who)s is interested in %(title)s", {"who": "Hans", "title": "Batteries"}
            ),
        )
    deliveries_drain(sender=sender)
    [message] = mail.outbox
    assert "Choose the language of your e-mails" in message.body


def test_a_chat_notification_is_in_the_recipients_language():
    anna = UserFactory(full_name="Anna Novak", language="fr")
    hans = UserFactory(full_name="Hans Weber", language="de")
    colleagues(anna, hans)
    with translation.override("fr"):  # whatever the sender's or the worker's language
        send(anna, one_to_one(anna, hans), "Bonjour")
        outbox_drain()
    notification = hans.notifications.get()
    with translation.override("de"):
        assert notification.verb == gettext("New message from %(who)s") % {"who": "Anna Novak"}


def test_a_digest_is_in_its_recipients_language(settings, ecosystems):
    from notifications.digest import DigestOutcome, digest_send
    from tests.notifications.test_digest import NOW, daily, note

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    hans = UserFactory(language="de")
    daily(hans)
    note(hans, "Anna interessiert sich für Ihr Angebot")
    with translation.override("fr"):  # whatever the sender's context
        assert digest_send(user=hans, now=NOW) == DigestOutcome.SENT
    [message] = mail.outbox
    assert '<html lang="de">' in message.alternatives[0][0]
    with translation.override("de"):
        assert message.subject == gettext("Your daily %(site)s digest") % {"site": "ClusterHub"}


# --- Time zone and formats ----------------------------------------------------------------


def test_times_on_a_page_are_in_the_persons_time_zone_and_formats(client):
    anna = UserFactory(full_name="Anna Novak", language="en")
    hans = UserFactory(full_name="Hans Weber", language="de")
    colleagues(anna, hans)
    conversation = one_to_one(anna, hans)
    message = send(anna, conversation, "Guten Tag")
    message.created_at = datetime(2026, 3, 2, 12, 5, tzinfo=UTC)
    message.save(update_fields=["created_at"])
    DeliverySettings.objects.create(user=hans, timezone="Asia/Tokyo")
    client.force_login(hans)
    page = client.get(conversation.get_absolute_url()).content.decode()
    # 12:05 UTC is 21:05 in Tokyo; German month abbreviation ("Mär").
    assert "2 Mär, 21:05" in page
    # Changed in the notification settings: the next page follows.
    changed = client.patch(
        "/api/v1/notifications/settings/",
        {"timezone": "America/New_York"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "2 Mär, 07:05" in page
    assert timezone.get_current_timezone_name() == "Europe/Brussels"  # nothing leaked


def test_a_visitor_gets_the_sites_time_zone(client):
    assert client.get("/directory/").status_code == 200
    assert timezone.get_current_timezone_name() == "Europe/Brussels"


# --- The JavaScript catalogue -------------------------------------------------------------


def test_the_javascript_catalogue_is_served_with_a_nonce_in_every_page(client):
    page = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    tag = re.search(r'<script nonce="([^"]+)" defer src="(/jsi18n/\?v=de)"></script>', page)
    assert tag, "no catalogue script"
    response = client.get(tag.group(2), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=3600" in response["Cache-Control"]
    body = response.content.decode()
    assert "django.gettext" in body
    assert "ngettext" in body
    # A string of config/static/js/push.js, from the German djangojs catalogue.
    assert '"That did not work. Please try again.": "Das hat nicht geklappt.' in body
    french = client.get("/jsi18n/?v=fr", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cela n\\u2019a pas fonctionn\\u00e9" in french


# --- Texts people write keep their language -----------------------------------------------


@pytest.fixture
def hydrogen_cluster(ecosystems):
    from tests.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(name="Wasserstoff Cluster", country="DE")
    author = MembershipFactory(organisation=organisation, role="member").user
    author.language = "de"
    author.save(update_fields=["language"])
    return organisation, author


def test_a_listing_is_in_its_authors_language_unless_said(api_client, hydrogen_cluster):
    _organisation, author = hydrogen_cluster
    api_client.force_authenticate(author)
    body = {
        "kind": "offer",
        "category": "expertise",
        "title": "Elektrolyseur-Testlabor",
        "description": "Wir testen Elektrolyseure.",
    }
    created = api_client.post("/api/v1/xchange/listings/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["language"] == "de"
    italian = api_client.post(
        "/api/v1/xchange/listings/", {**body, "language": "it"}, format="json"
    )
    assert italian.json()["language"] == "it"
    refused = api_client.post(
        "/api/v1/xchange/listings/", {**body, "language": "klingon"}, format="json"
    )
    assert refused.status_code == 400
    assert "language" in refused.json()["error"]["fields"]
    changed = api_client.patch(
        f"/api/v1/xchange/listings/{italian.json()['id']}/", {"language": "other"}, format="json"
    )
    assert changed.json()["language"] == "other"

    # An English reader: lang on the text, and a label saying which language it is in.
    page = Client().get(created.json()["url"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 id="listing-title" lang="de">Elektrolyseur-Testlabor</h1>' in page
    assert '<div class="rich-text listing-description" lang="de">' in page
    assert '<span class="text-language">In German</span>' in page
    # A German reader needs no label.
    german = Client().get(created.json()["url"], HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'class="text-language"' not in german
    # Another language: no lang (unknown), no label.
    other = Client().get(changed.json()["url"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 id="listing-title">' in other
    assert 'class="text-language"' not in other


def test_news_written_on_the_page_is_marked_with_its_language(client, hydrogen_cluster):
    from community.models import NewsItem, Organisation

    organisation, author = hydrogen_cluster
    Organisation.objects.filter(pk=organisation.pk).update(status="published")
    client.force_login(author)
    form = client.get("/news/new/").content.decode()
    assert '<option value="de" lang="de" selected>Deutsch</option>' in form
    response = client.post(
        "/news/new/",
        {
            "title": "Neue Förderung",
            "summary": "Ein neues Programm.",
            "body": "Mehr dazu bald.",
            "organisation": organisation.slug,
            "language": "fr",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = NewsItem.objects.get()
    assert item.language == "fr"
    NewsItem.objects.filter(pk=item.pk).update(status="published", published_at=timezone.now())
    page = Client().get(item.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert '<h1 lang="fr">Neue Förderung</h1>' in page
    assert '<p class="lead" lang="fr">' in page
    with translation.override("it"):
        assert f'<span class="text-language">{gettext("In French")}</span>' in page


def test_an_organisation_profile_carries_its_language(api_client, hydrogen_cluster):
    organisation, author = hydrogen_cluster
    from community.models import OrganisationMembership

    OrganisationMembership.objects.filter(user=author).update(role="admin")
    api_client.force_authenticate(author)
    url = f"/api/v1/organisations/{organisation.slug}/"
    body = {"language": "es", "description": "Somos un clúster del hidrógeno."}
    assert api_client.patch(url, body, format="json").status_code == 200
    organisation.refresh_from_db()
    assert organisation.language == "es"
    page = Client().get(organisation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert '<div class="org-description" lang="es">' in html
    assert '<span class="text-language">In Spanish</span>' in html
    assert api_client.patch(url, {"language": "xx"}, format="json").status_code == 400
