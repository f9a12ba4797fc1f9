"""Every link in an e-mail starts with settings.SITE_URL, whatever Host the request had
(docs/operations.md, "The site's address")."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from community.models import ModerationStatus
from community.services.news import news_publish, news_reject
from community.services.organisations import (
    invitation_create,
    organisation_publish,
    organisation_reject,
)
from messaging.services.listings import listing_express_interest
from notifications.models import Notification
from notifications.tasks import notification_email
from tests.factories import (
    ListingFactory,
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SITE = "https://hub.example.eu"
URL = re.compile(r"\b(?:https?://|www\.)\S+|(?<![\w/])/(?:account|organisations|news|xchange)/\S*")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["elsewhere.example", "testserver"]


def links(body: str) -> list[str]:
    found = URL.findall(body)
    assert found, body
    return found


def assert_all_on_site(body: str) -> None:
    for link in links(body):
        assert link.startswith(SITE + "/"), link


def test_registration_and_password_reset(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/account/register/",
            {
                "email": "new@example.org",
                "full_name": "New Person",
                "password1": "a-long-enough-Passw0rd",
                "password2": "a-long-enough-Passw0rd",
                "country": "BE",
                "accept": "on",
            },
            HTTP_HOST="elsewhere.example",
        )
    user = UserFactory(email="known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/account/password/reset/", {"email": user.email}, HTTP_HOST="elsewhere.example"
        )
    assert len(mail.outbox) == 2, [m.subject for m in mail.outbox]
    for message in mail.outbox:
        assert_all_on_site(message.body)


def test_moderation_and_invitation_emails(django_capture_on_commit_callbacks):
    staff = StaffFactory()
    published = OrganisationFactory(status=ModerationStatus.NEEDS_REVIEW)
    rejected = OrganisationFactory(status=ModerationStatus.NEEDS_REVIEW)
    for organisation in (published, rejected):
        MembershipFactory(organisation=organisation, role="admin")
    news = [
        NewsItemFactory(
            status=ModerationStatus.NEEDS_REVIEW, published_at=None, author=UserFactory()
        )
        for _ in range(2)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        organisation_publish(organisation=published, user=staff, reason="ok")
        organisation_reject(organisation=rejected, user=staff, reason="Add a page.")
        news_publish(item=news[0], user=staff)
        news_reject(item=news[1], user=staff, reason="Too short.")
        invitation_create(
            organisation=published,
            invited_by=staff,
            email="colleague@example.org",
            role="member",
        )
    assert len(mail.outbox) == 5
    for message in mail.outbox:
        assert_all_on_site(message.body)


def test_notification_emails(organisation):
    admin = MembershipFactory(organisation=organisation, role="admin").user
    listing = ListingFactory(organisation=organisation, author=admin)
    listing_express_interest(user=UserFactory(), listing=listing, message="Hello")
    notification = Notification.objects.get(recipient=admin, kind="listing.interest")
    assert_all_on_site(notification_email(notification).body)
