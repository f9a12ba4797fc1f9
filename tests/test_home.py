"""The home page: public for visitors, personal for a logged-in person (config/pages/home.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import ModerationStatus
from hub.models import Enquiry, LibraryItem
from messaging.models import ListingFollow, MessageReport
from messaging.services.conversations import conversation_open
from messaging.services.messages import message_send
from tests.factories import (
    ListingFactory,
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_visitor_gets_the_public_home(client):
    html = client.get("/").content.decode()
    assert "Where Europe" in html
    assert "Unread conversations" not in html


def test_the_menu_has_no_soon_items(client, user):
    for who in (None, user):
        if who:
            client.force_login(who)
        html = client.get("/").content.decode()
        assert "soon" not in html.lower()
        # Forums and events have their pages, and their menu items.
        assert ">Forums</a>" in html
        assert ">Events</a>" in html


def _unread_from(sender, to, text, n=1):
    conversation, _new = conversation_open(creator=sender, participants=[to])
    for i in range(n):
        message_send(
            sender=sender, conversation=conversation, body=f"{text} {i}", client_id=f"{text}{i}"
        )
    return conversation


def test_a_member_sees_unread_conversations_with_links(client, user):
    anna = UserFactory(full_name="Anna Rossi")
    conversation = _unread_from(anna, user, "hello", n=2)
    read = _unread_from(UserFactory(full_name="Read Already"), user, "x")
    read.participants.filter(user=user).update(last_read_message_id=10**9)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Unread conversations" in html
    assert f'href="/xchange/conversations/{conversation.pk}/"' in html
    assert "Anna Rossi" in html
    assert "2 unread" in html
    assert f'href="/xchange/conversations/{read.pk}/"' not in html


def test_a_member_sees_followed_listings(client, user):
    followed = ListingFactory(title="Hydrogen test bench")
    ListingFactory(title="Not followed")
    ListingFollow.objects.create(listing=followed, user=user)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert f'href="/xchange/listings/{followed.pk}/"' in html
    assert "Hydrogen test bench" in html
    assert "Not followed" not in html


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (ModerationStatus.DRAFT, "Draft"),
        (ModerationStatus.NEEDS_REVIEW, "Needs review"),
        (ModerationStatus.PUBLISHED, "Published"),
        (ModerationStatus.REJECTED, "Rejected"),
    ],
)
def test_a_member_sees_their_organisation_status(client, user, status, shown):
    organisation = OrganisationFactory(
        name="Cluster Lumière", status=status, rejection_reason="Add an English website."
    )
    MembershipFactory(organisation=organisation, user=user, role="admin")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Cluster Lumière" in html
    assert f'badge-{status}">{shown}<' in html
    assert "Checklist:" in html
    assert " met" in html
    assert f'href="/organisations/{organisation.slug}/edit/"' in html
    assert ("Add an English website." in html) == (status == ModerationStatus.REJECTED)


def test_a_plain_member_gets_no_edit_link(client, user):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=user, role="member")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert organisation.name in html
    assert f"/organisations/{organisation.slug}/edit/" not in html


def test_staff_see_what_waits_in_moderation_and_members_do_not(client, user):
    staff = StaffFactory()
    OrganisationFactory.create_batch(2, status=ModerationStatus.NEEDS_REVIEW)
    NewsItemFactory(status=ModerationStatus.NEEDS_REVIEW, submitted_at=timezone.now())
    anna = UserFactory()
    conversation = _unread_from(anna, user, "spam")
    MessageReport.objects.create(
        message=conversation.messages.first(), reporter=user, reason="Spam"
    )
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert "Waiting in moderation" in html
    assert "2 profiles" in html
    assert "1 news item" in html
    assert "1 reported message" in html
    assert 'href="/moderation/"' in html
    # Library suggestions wait in the one queue; the desk's enquiries in the desk's own.
    assert "0 library suggestions" in html
    assert "0 open enquiries at the desk" in html
    LibraryItem.objects.create(
        title="A toolkit", slug="a-toolkit", item_type="toolkit", status="needs_review"
    )
    Enquiry.objects.create(
        subject="Market entry in Japan",
        question="How?",
        country="JP",
        name="Sara Meyer",
        email="sme@example.org",
        waiting_since=timezone.now() - timedelta(days=30),
    )
    html = client.get("/").content.decode()
    assert "1 library suggestion" in html
    assert 'href="/moderation/?kind=library"' in html
    assert "1 open enquiry at the desk" in html
    assert "1 overdue" in html
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Waiting in moderation" not in html
    assert "library suggestion" not in html


def test_the_personal_home_takes_a_constant_number_of_queries(
    client, user, django_assert_max_num_queries
):
    def add_some():
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, user=user, role="admin")
        ListingFollow.objects.create(listing=ListingFactory(), user=user)
        _unread_from(UserFactory(), user, "hi")

    client.force_login(user)
    add_some()
    with django_assert_max_num_queries(12) as few:
        assert client.get("/").status_code == 200
    for _ in range(4):
        add_some()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/").status_code == 200
