"""E-mail subjects are plain text: a name with `&`, `<` and `"` arrives as typed, on one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from rest_framework.test import APIClient

from community.models import ModerationStatus
from community.services.news import news_publish, news_reject
from community.services.organisations import organisation_reject
from messaging.services.listings import listing_express_interest
from notifications.models import Notification
from notifications.tasks import notification_email
from tests.factories import (
    ListingFactory,
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    UserFactory,
)

NAME = 'Film & Media <"Lab">'
ENTITIES = ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name=NAME, status=ModerationStatus.NEEDS_REVIEW)


@pytest.fixture
def admin(organisation):
    return MembershipFactory(organisation=organisation, role="admin").user


def only_subject() -> str:
    [message] = mail.outbox
    return message.subject


def test_publishing_a_profile(organisation, admin, staff, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/organisations/{organisation.slug}/publish/").status_code == 200
    assert only_subject() == f"{NAME} is now published on ClusterHub"


def test_rejecting_a_profile(organisation, admin, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        organisation_reject(organisation=organisation, user=staff, reason="Add an English page.")
    assert only_subject() == f"The profile of {NAME} needs changes"


def test_an_invitation(organisation, admin, django_capture_on_commit_callbacks):
    organisation.status = ModerationStatus.PUBLISHED
    organisation.save()
    api = APIClient()
    api.force_authenticate(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/organisations/{organisation.slug}/invitations/",
            {"email": "new@example.org", "role": "member"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert only_subject() == f"You are invited to join {NAME} on ClusterHub"


@pytest.mark.parametrize("decision", ["publish", "reject"])
def test_news_decisions(staff, decision, django_capture_on_commit_callbacks):
    item = NewsItemFactory(
        title=NAME, status=ModerationStatus.NEEDS_REVIEW, published_at=None, author=UserFactory()
    )
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "publish":
            news_publish(item=item, user=staff)
        else:
            news_reject(item=item, user=staff, reason="Too short.")
    expected = {"publish": "is published", "reject": "needs changes"}[decision]
    assert only_subject() == f'Your news "{NAME}" {expected}'


def test_a_notification_about_a_listing(organisation, admin):
    organisation.status = ModerationStatus.PUBLISHED
    organisation.save()
    listing = ListingFactory(organisation=organisation, author=admin, title=NAME)
    listing_express_interest(
        user=UserFactory(full_name="Ines & Co"), listing=listing, message="Hello"
    )
    notification = Notification.objects.get(recipient=admin, kind="listing.interest")
    message = notification_email(notification)
    assert message.subject == f"Ines & Co is interested in {NAME}"
    assert f"Ines & Co is interested in {NAME}" in message.body


class Anything(dict):
    """A template value whose every attribute is itself and which prints as NAME."""

    def __missing__(self, key):
        return self

    def __str__(self) -> str:
        return NAME


def subject_templates() -> list[str]:
    names = []
    for app in ("community", "messaging", "notifications", "forums", "webinars"):
        folder = Path(settings.BASE_DIR) / app / "templates"
        names += [str(p.relative_to(folder)) for p in folder.rglob("*_subject.txt")]
    return sorted(names)


def test_every_subject_template_is_found():
    assert len(subject_templates()) >= 8


@pytest.mark.parametrize("template", subject_templates())
def test_every_subject_template_renders_plain_text(template):
    anything = Anything()
    names = ("organisation", "item", "user", "author", "inviter", "invitation", "listing")
    context = dict.fromkeys(names, anything) | {
        "site_name": NAME,
        "site_url": "https://hub.example.org",
    }
    subject = render_to_string(template, context)
    for entity in ENTITIES:
        assert entity not in subject, (template, subject)
    assert "\n" not in subject.strip(), (template, subject)
