"""The link a digest email gives for a notification opens it for a person clicking it in a
mail client: a GET with the link's signature marks it read for its logged-in recipient and
goes to its target; nothing else changes state on a GET (see docs/decisions.md)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.digest import digest_build, digest_message
from notifications.models import Notification
from notifications.services import notify
from tests.factories import DEFAULT_PASSWORD, UserFactory

SITE = "https://hub.example.org"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def marc(db):
    return UserFactory(full_name="Marc Meyer")


@pytest.fixture
def eve(db):
    return UserFactory()


@pytest.fixture
def notification(marc) -> Notification:
    [row] = notify(
        recipients=[marc], kind="listing.interest", verb="Ines is interested", url="/xchange/"
    )
    return row


def emailed_link(user, notification: Notification) -> str:
    """The path of `notification`'s link in `user`'s digest email, as a mail client opens it."""
    since = timezone.now() - timedelta(days=1)
    message = digest_message(
        digest_build(user, since, until=timezone.now() + timedelta(seconds=1)),
        "daily",
        "Europe/Brussels",
    )
    html = message.alternatives[0][0]
    links = set(re.findall(rf"{SITE}(/notifications/{notification.pk}/open/[^\s\"<]*)", html))
    text_links = set(
        re.findall(rf"{SITE}(/notifications/{notification.pk}/open/\S*)", message.body)
    )
    assert len(links) == 1
    [link] = links
    assert text_links == {link.replace("&amp;", "&")}
    return link.replace("&amp;", "&")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_emailed_link_opens_the_target_and_marks_it_read(site, marc, notification):
    link = emailed_link(marc, notification)
    response = logged_in(marc).get(link)
    assert response.status_code == 302
    assert response["Location"] == "/xchange/"
    notification.refresh_from_db()
    assert not notification.unread


def test_an_anonymous_click_goes_to_login_and_comes_back(site, marc, notification):
    link = emailed_link(marc, notification)
    client = Client()
    response = client.get(link)
    assert response.status_code == 302
    login = urlsplit(response["Location"])
    assert login.path == reverse("login")
    notification.refresh_from_db()
    assert notification.unread  # a link scanner without a session changes nothing
    # Logging in sends the person back to `next`: the very same link.
    back = client.post(
        f"{login.path}?{login.query}", {"email": marc.email, "password": DEFAULT_PASSWORD}
    )
    assert back.status_code == 302
    assert back["Location"] == link
    opened = client.get(back["Location"])
    assert opened["Location"] == "/xchange/"
    notification.refresh_from_db()
    assert not notification.unread


def test_someone_else_gets_404_and_changes_nothing(site, marc, eve, notification):
    link = emailed_link(marc, notification)
    assert logged_in(eve).get(link).status_code == 404
    assert logged_in(eve).post(f"/notifications/{notification.pk}/open/").status_code == 404
    notification.refresh_from_db()
    assert notification.unread


@pytest.mark.parametrize("query", ["", "?t=", "?t=forged"])
def test_a_get_without_a_valid_signature_asks_before_changing_anything(
    site, marc, notification, query
):
    client = logged_in(marc)
    response = client.get(f"/notifications/{notification.pk}/open/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ines is interested" in html
    assert f'action="/notifications/{notification.pk}/open/"' in html
    assert 'method="post"' in html
    notification.refresh_from_db()
    assert notification.unread
    # The page's button is the ordinary, CSRF-protected POST.
    opened = client.post(f"/notifications/{notification.pk}/open/")
    assert opened["Location"] == "/xchange/"
    notification.refresh_from_db()
    assert not notification.unread


def test_a_signature_opens_only_its_own_notification(site, marc, notification):
    other = notify(recipients=[marc], kind="listing.interest", verb="Other", url="/news/")[0]
    link = emailed_link(marc, notification)
    token = link.split("?", 1)[1]
    response = logged_in(marc).get(f"/notifications/{other.pk}/open/?{token}")
    assert response.status_code == 200  # the confirmation page, not a change
    other.refresh_from_db()
    assert other.unread


def test_a_target_on_another_site_is_not_followed(site, marc):
    [row] = notify(
        recipients=[marc], kind="listing.interest", verb="x", url="https://evil.example/"
    )
    link = emailed_link(marc, row)
    response = logged_in(marc).get(link)
    assert response["Location"] == "/notifications/"
