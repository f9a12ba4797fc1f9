"""Expressing interest in a listing: a retry answers 200 with what was stored, and an interest
answered by one person is a one-to-one (so it can be blocked) — also for rows stored before."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client

from messaging.models import Block, Conversation, Message, Participant
from messaging.services.blocks import user_block
from notifications.models import Notification
from realtime.models import Event
from tests.factories import ListingFactory, UserFactory
from tests.messaging.conversation_support import API, api


@pytest.fixture
def solo_listing(organisation, org_admin):
    """Answered by one person: the organisation's admin wrote it."""
    return ListingFactory(organisation=organisation, author=org_admin, title="Drone test range")


@pytest.fixture
def team_listing(organisation, org_admin):
    """Answered by two people: its author and the admin."""
    return ListingFactory(organisation=organisation, title="Wind tunnel time")


@pytest.fixture
def interested(db):
    return UserFactory(full_name="Ines Interested")


def stored_counts() -> tuple[int, int, int, int]:
    return (
        Conversation.objects.count(),
        Message.objects.count(),
        Notification.objects.count(),
        Event.objects.count(),
    )


# --- A retry answers 200 ---------------------------------------------------------------


@pytest.mark.parametrize("listing_name", ["solo_listing", "team_listing"])
def test_a_retried_interest_answers_200_with_the_stored_conversation(
    request, listing_name, interested
):
    listing = request.getfixturevalue(listing_name)
    client = api(interested)
    url = f"{API}listings/{listing.pk}/interest/"
    body = {"message": "We run a drone lab.", "client_id": "interest-1"}
    first = client.post(url, body, format="json")
    assert first.status_code == 201, first.content
    before = stored_counts()

    again = client.post(url, body, format="json")

    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert stored_counts() == before


def test_interest_again_lands_in_the_existing_one_to_one_with_200(solo_listing, interested):
    client = api(interested)
    url = f"{API}listings/{solo_listing.pk}/interest/"
    first = client.post(url, {"message": "Hello", "client_id": "a"}, format="json")
    second = client.post(url, {"message": "Any news?", "client_id": "b"}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["conversation"] == first.json()["conversation"]
    assert list(Message.objects.order_by("pk").values_list("body", flat=True)) == [
        "Hello",
        "Any news?",
    ]


# --- A two-person interest is a one-to-one ---------------------------------------------


def test_an_interest_answered_by_one_person_is_a_one_to_one(solo_listing, org_admin, interested):
    response = api(interested).post(
        f"{API}listings/{solo_listing.pk}/interest/", {"message": "Hello"}, format="json"
    )
    conversation = Conversation.objects.get(pk=response.json()["conversation"])
    assert conversation.is_group is False
    assert conversation.listing == solo_listing
    assert set(conversation.participants.values_list("user_id", flat=True)) == {
        interested.pk,
        org_admin.pk,
    }
    assert not conversation.participants.filter(is_admin=True).exists()


def test_an_interest_answered_by_several_people_stays_a_group(team_listing, interested):
    response = api(interested).post(
        f"{API}listings/{team_listing.pk}/interest/", {"message": "Hello"}, format="json"
    )
    conversation = Conversation.objects.get(pk=response.json()["conversation"])
    assert conversation.is_group is True
    assert conversation.participants.count() == 3


def test_the_answering_person_can_block_the_interested_one(solo_listing, org_admin, interested):
    response = api(interested).post(
        f"{API}listings/{solo_listing.pk}/interest/", {"message": "Buy my stuff"}, format="json"
    )
    conversation_id = response.json()["conversation"]
    page = Client()
    page.force_login(org_admin)
    html = page.get(f"/xchange/conversations/{conversation_id}/").content.decode()
    assert f"Block {interested.display_name}" in html

    blocked = page.post(
        f"/xchange/conversations/{conversation_id}/block/", {"action": "block"}, follow=True
    )
    assert blocked.status_code == 200
    assert Block.objects.filter(blocker=org_admin, blocked=interested).exists()
    refused = api(interested).post(
        f"{API}conversations/{conversation_id}/messages/",
        {"body": "Hello again", "client_id": "after-block"},
        format="json",
    )
    assert refused.status_code == 403
    assert "does not accept messages" in refused.json()["error"]["message"]


def test_a_blocked_person_cannot_express_interest_to_the_one_who_blocked_them(
    solo_listing, org_admin, interested
):
    # A block from an earlier exchange (the API only names people one may see).
    user_block(blocker=org_admin, blocked=interested)
    response = api(interested).post(
        f"{API}listings/{solo_listing.pk}/interest/", {"message": "Hello"}, format="json"
    )
    assert response.status_code == 403
    assert not Conversation.objects.exists()


# --- Rows stored as groups before the fix ----------------------------------------------


def old_interest(listing, interested, *answering, title=None):
    """A conversation as the old code stored an interest: a group titled as the listing."""
    conversation = Conversation.objects.create(
        title=listing.title if title is None else title,
        is_group=True,
        listing=listing,
        created_by=interested,
    )
    Participant.objects.create(conversation=conversation, user=interested, is_admin=True)
    for person in answering:
        Participant.objects.create(conversation=conversation, user=person)
    return conversation


def test_the_migration_makes_two_person_interest_groups_one_to_ones(
    solo_listing, team_listing, org_admin, interested
):
    migration = importlib.import_module("messaging.migrations.0002_interest_one_to_one")
    pair = old_interest(solo_listing, interested, org_admin)
    trio = old_interest(team_listing, interested, org_admin, team_listing.author)
    renamed = old_interest(solo_listing, interested, org_admin, title="Our own plans")
    no_listing = Conversation.objects.create(title="Chat", is_group=True, created_by=interested)
    Participant.objects.create(conversation=no_listing, user=interested, is_admin=True)
    Participant.objects.create(conversation=no_listing, user=org_admin)

    migration.interest_pairs_to_one_to_one(django_apps, None)

    pair.refresh_from_db()
    assert (pair.is_group, pair.title) == (False, "")
    assert not pair.participants.filter(is_admin=True).exists()
    for untouched in (trio, renamed, no_listing):
        untouched.refresh_from_db()
        assert untouched.is_group is True
        assert untouched.participants.filter(is_admin=True).count() == 1
    # Now blockable like any one-to-one.
    page = Client()
    page.force_login(org_admin)
    html = page.get(pair.get_absolute_url()).content.decode()
    assert f"Block {interested.display_name}" in html
