"""Followers hear about changes (a `listing.updated` notification, live on `user:<id>`), and
expressing interest opens the right conversation with the first message."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import Ecosystem
from community.models.taxonomy import ECOSYSTEMS
from messaging.models import Conversation, Message
from messaging.services.listings import (
    listing_close,
    listing_express_interest,
    listing_follow,
    listing_reopen,
    listing_unfollow,
    listing_update,
)
from realtime.models import Event
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, UserFactory

API = "/api/v1/xchange/listings/"


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Aerospace Valley")


@pytest.fixture
def author(organisation):
    return MembershipFactory(organisation=organisation, role="member").user


@pytest.fixture
def admin(organisation):
    return MembershipFactory(organisation=organisation, role="admin").user


@pytest.fixture
def listing(organisation, author):
    return ListingFactory(organisation=organisation, author=author, title="Drone test range")


@dataclass
class Heard:
    """A `listing.updated` notification as its live event on the user topic carries it."""

    seq: int
    data: dict


def listing_events(user_id: int) -> list[Heard]:
    heard = []
    for event in Event.objects.filter(topic=f"user:{user_id}", type="notification.created"):
        notification = event.data["notification"]
        if notification["kind"] == "listing.updated":
            data = {k: v for k, v in notification["data"].items() if k not in ("count", "sentence")}
            heard.append(Heard(seq=event.seq, data=data))
    return heard


# --- Followers -------------------------------------------------------------------------


def test_edit_of_a_followed_listing_emits_on_each_followers_topic_after_commit(
    listing, author, django_capture_on_commit_callbacks
):
    followers = [UserFactory(), UserFactory()]
    for follower in followers:
        listing_follow(listing=listing, user=follower)
    bystander = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        listing_update(listing=listing, user=author, title="Drone test range (BVLOS)")
    for follower in followers:
        [event] = listing_events(follower.pk)
        assert event.data == {
            "listing": listing.pk,
            "title": "Drone test range (BVLOS)",
            "status": "open",
            "change": "edited",
            "url": f"/xchange/listings/{listing.pk}/",
            "actor": {"id": author.pk, "name": author.display_name},
        }
    assert listing_events(bystander.pk) == []
    assert listing_events(author.pk) == []
    # One broadcast per event, scheduled for after the commit.
    assert len(callbacks) == 2


def test_close_and_reopen_reach_followers_but_not_the_one_who_did_it(listing, author, admin):
    follower = UserFactory()
    listing_follow(listing=listing, user=follower)
    listing_follow(listing=listing, user=admin)
    listing_close(listing=listing, user=admin)
    listing_reopen(listing=listing, user=author)
    changes = [(e.data["change"], e.data["status"]) for e in listing_events(follower.pk)]
    assert changes == [("closed", "closed"), ("reopened", "open")]
    assert [e.data["change"] for e in listing_events(admin.pk)] == ["reopened"]
    # Sequence numbers on the follower's topic are consecutive.
    assert [e.seq for e in Event.objects.filter(topic=f"user:{follower.pk}")] == [1, 2]


def test_unfollowed_listing_is_silent(listing, author):
    follower = UserFactory()
    listing_follow(listing=listing, user=follower)
    listing_unfollow(listing=listing, user=follower)
    listing_close(listing=listing, user=author)
    assert listing_events(follower.pk) == []


def test_a_refused_edit_emits_nothing(listing, author):
    follower = UserFactory()
    listing_follow(listing=listing, user=follower)
    with pytest.raises(ValidationError):
        listing_update(listing=listing, user=author, valid_until=datetime.date(2001, 1, 1))
    with pytest.raises(PermissionDenied):
        listing_close(listing=listing, user=follower)
    assert listing_events(follower.pk) == []


def test_follow_then_edit_over_http_reaches_the_follower(listing, author):
    follower = UserFactory()
    api = APIClient()
    api.force_authenticate(follower)
    assert api.post(f"{API}{listing.pk}/follow/").status_code == 200
    editor = APIClient()
    editor.force_authenticate(author)
    assert editor.patch(f"{API}{listing.pk}/", {"title": "New"}, format="json").status_code == 200
    assert [e.data["title"] for e in listing_events(follower.pk)] == ["New"]


# --- Expressing interest ---------------------------------------------------------------


def active_people(conversation: Conversation) -> set[int]:
    return set(
        conversation.participants.filter(left_at__isnull=True).values_list("user_id", flat=True)
    )


def test_interest_opens_a_conversation_with_author_and_admins_and_the_first_message(
    listing, author, admin, organisation
):
    second_admin = MembershipFactory(organisation=organisation, role="admin").user
    MembershipFactory(organisation=organisation, role="editor")  # editors are not added
    interested = MembershipFactory().user
    api = APIClient()
    api.force_authenticate(interested)
    response = api.post(
        f"{API}{listing.pk}/interest/",
        {"message": "We run a **drone** lab.", "client_id": "abc-1"},
        format="json",
    )
    assert response.status_code == 201, response.content
    conversation = Conversation.objects.get(pk=response.json()["conversation"])
    assert response.json()["url"] == f"/xchange/conversations/{conversation.pk}/"
    assert conversation.listing == listing
    assert conversation.title == "Drone test range"
    assert active_people(conversation) == {interested.pk, author.pk, admin.pk, second_admin.pk}
    [message] = Message.objects.filter(conversation=conversation)
    assert message.sender == interested
    assert message.body == "We run a **drone** lab."
    # A retry with the same client id answers with the same conversation, stored once.
    again = api.post(
        f"{API}{listing.pk}/interest/",
        {"message": "We run a **drone** lab.", "client_id": "abc-1"},
        format="json",
    )
    assert again.json()["conversation"] == conversation.pk
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 1


def test_an_author_who_is_also_admin_is_added_once(organisation, admin):
    listing = ListingFactory(organisation=organisation, author=admin)
    interested = UserFactory()
    conversation, _created = listing_express_interest(
        user=interested, listing=listing, message="Hello"
    )
    assert active_people(conversation) == {interested.pk, admin.pk}
    assert conversation.participants.count() == 2


def test_an_author_who_left_is_not_added(listing, author, admin, organisation):
    organisation.memberships.filter(user=author).delete()
    interested = UserFactory()
    conversation, _created = listing_express_interest(
        user=interested, listing=listing, message="Hello"
    )
    assert active_people(conversation) == {interested.pk, admin.pk}


def test_interest_needs_somebody_to_answer(listing, author, organisation):
    organisation.memberships.filter(user=author).delete()  # no admin, author gone
    with pytest.raises(ValidationError, match="Nobody at Aerospace Valley"):
        listing_express_interest(user=UserFactory(), listing=listing, message="Hello")
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("message", ["", "   ", "x" * 5001])
def test_interest_needs_a_message(listing, admin, message):
    api = APIClient()
    api.force_authenticate(UserFactory())
    response = api.post(f"{API}{listing.pk}/interest/", {"message": message}, format="json")
    assert response.status_code == 400
    assert "message" in response.json()["error"]["fields"]
    assert not Conversation.objects.exists()


def test_interest_in_own_organisation_or_closed_or_expired_listing_is_refused(
    listing, author, admin
):
    with pytest.raises(PermissionDenied, match="your own organisation"):
        listing_express_interest(user=admin, listing=listing, message="Hi")
    listing_close(listing=listing, user=author)
    with pytest.raises(PermissionDenied, match="closed or has expired"):
        listing_express_interest(user=UserFactory(), listing=listing, message="Hi")
    listing_reopen(listing=listing, user=author)
    listing.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    listing.save()
    with pytest.raises(PermissionDenied, match="closed or has expired"):
        listing_express_interest(user=UserFactory(), listing=listing, message="Hi")
    unverified = UserFactory(email_verified=False)
    listing.valid_until = None
    listing.save()
    with pytest.raises(PermissionDenied, match="Verify your email"):
        listing_express_interest(user=unverified, listing=listing, message="Hi")
    assert not Conversation.objects.exists()


def test_the_interested_person_keeps_seeing_the_listing_after_it_closes(listing, author, admin):
    interested = UserFactory()
    listing_express_interest(user=interested, listing=listing, message="Hello")
    listing_close(listing=listing, user=author)
    api = APIClient()
    api.force_authenticate(interested)
    assert api.get(f"{API}{listing.pk}/").status_code == 200
    api.force_authenticate(UserFactory())
    assert api.get(f"{API}{listing.pk}/").status_code == 404
