"""The access matrix of ClusterXchange listings: every action x every kind of person.

People: a visitor; the author (a plain member of the posting organisation); another plain
member of it; an editor and an admin of it; a member of another organisation; staff.
Hidden listings answer 404; visible but forbidden actions 403; writes by visitors 401 (API)
or a redirect to the login page (pages).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import Ecosystem, ModerationStatus
from community.models.taxonomy import ECOSYSTEMS
from messaging.models import Conversation, Listing, ListingFollow, Participant
from tests.factories import (
    ListingFactory,
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
)

ROLES = ["visitor", "author", "member", "editor", "org_admin", "other", "staff"]
API = "/api/v1/xchange/listings/"


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@dataclass
class World:
    people: dict[str, Any]
    organisation: Any
    other_organisation: Any
    open: Listing
    closed: Listing
    expired: Listing


@pytest.fixture
def world(db) -> World:
    organisation = OrganisationFactory()
    other_organisation = OrganisationFactory()
    author = MembershipFactory(organisation=organisation, role="member").user
    people = {
        "visitor": None,
        "author": author,
        "member": MembershipFactory(organisation=organisation, role="member").user,
        "editor": MembershipFactory(organisation=organisation, role="editor").user,
        "org_admin": MembershipFactory(organisation=organisation, role="admin").user,
        "other": MembershipFactory(organisation=other_organisation, role="member").user,
        "staff": StaffFactory(),
    }
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return World(
        people=people,
        organisation=organisation,
        other_organisation=other_organisation,
        open=ListingFactory(organisation=organisation, author=author),
        closed=ListingFactory(organisation=organisation, author=author, status="closed"),
        expired=ListingFactory(organisation=organisation, author=author, valid_until=yesterday),
    )


def api_as(world: World, role: str) -> APIClient:
    client = APIClient()
    if world.people[role] is not None:
        client.force_authenticate(world.people[role])
    return client


def page_as(world: World, role: str) -> Client:
    client = Client()
    if world.people[role] is not None:
        client.force_login(world.people[role])
    return client


# --- Seeing ----------------------------------------------------------------------------

SEE_HIDDEN = {
    "visitor": 404,
    "author": 200,
    "member": 200,
    "editor": 200,
    "org_admin": 200,
    "other": 404,
    "staff": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_an_open_listing_is_public(world, role):
    assert api_as(world, role).get(f"{API}{world.open.pk}/").status_code == 200
    assert page_as(world, role).get(f"/xchange/listings/{world.open.pk}/").status_code == 200


@pytest.mark.parametrize("which", ["closed", "expired"])
@pytest.mark.parametrize("role", ROLES)
def test_closed_and_expired_listings_only_for_the_organisation_and_staff(world, role, which):
    listing = getattr(world, which)
    assert api_as(world, role).get(f"{API}{listing.pk}/").status_code == SEE_HIDDEN[role]
    page = page_as(world, role).get(f"/xchange/listings/{listing.pk}/")
    assert page.status_code == SEE_HIDDEN[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_only_live_listings_by_default_and_closed_ones_to_insiders(world, role):
    ids = {row["id"] for row in api_as(world, role).get(API).json()["results"]}
    assert ids == {world.open.pk}
    closed = {
        row["id"] for row in api_as(world, role).get(API, {"status": "closed"}).json()["results"]
    }
    expected = {world.closed.pk, world.expired.pk} if SEE_HIDDEN[role] == 200 else set()
    assert closed == expected


def test_an_unpublished_organisations_listings_are_hidden_from_the_public(world):
    world.organisation.status = ModerationStatus.NEEDS_REVIEW
    world.organisation.save()
    assert api_as(world, "other").get(f"{API}{world.open.pk}/").status_code == 404
    assert api_as(world, "visitor").get(API).json()["count"] == 0
    assert api_as(world, "member").get(f"{API}{world.open.pk}/").status_code == 200


def test_a_closed_listing_stays_visible_to_people_talking_about_it_and_to_followers(world):
    other = world.people["other"]
    client = api_as(world, "other")
    assert client.get(f"{API}{world.closed.pk}/").status_code == 404
    conversation = Conversation.objects.create(title="About it", listing=world.closed)
    participant = Participant.objects.create(conversation=conversation, user=other)
    assert client.get(f"{API}{world.closed.pk}/").status_code == 200
    participant.left_at = timezone.now()
    participant.save()
    assert client.get(f"{API}{world.closed.pk}/").status_code == 404
    ListingFollow.objects.create(listing=world.closed, user=other)
    assert client.get(f"{API}{world.closed.pk}/").status_code == 200


def test_a_missing_listing_and_a_non_numeric_id_are_404(world):
    client = api_as(world, "staff")
    assert client.get(f"{API}999999/").status_code == 404
    assert Client().get("/xchange/listings/999999/").status_code == 404


# --- Creating --------------------------------------------------------------------------

CREATE = {
    "visitor": 401,
    "author": 201,
    "member": 201,
    "editor": 201,
    "org_admin": 201,
    "other": 201,  # for their own organisation
    "staff": 403,  # staff belong to no organisation: nobody to post for
}


@pytest.mark.parametrize("role", ROLES)
def test_create_matrix(world, role):
    body = {
        "kind": "demand",
        "category": "technology",
        "title": "Looking for sensors",
        "description": "We need sensors.",
    }
    before = Listing.objects.count()
    response = api_as(world, role).post(API, body, format="json")
    assert response.status_code == CREATE[role], response.content
    assert Listing.objects.count() == before + (1 if CREATE[role] == 201 else 0)
    if role == "other":
        assert response.json()["organisation"]["slug"] == world.other_organisation.slug


def test_nobody_posts_for_an_organisation_they_do_not_belong_to(world):
    response = api_as(world, "other").post(
        API,
        {
            "organisation": world.organisation.slug,
            "kind": "offer",
            "category": "expertise",
            "title": "Hijack",
            "description": "No.",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Listing.objects.filter(title="Hijack").exists()


def test_members_of_an_unpublished_organisation_or_unverified_people_cannot_post(world):
    body = {"kind": "offer", "category": "expertise", "title": "T", "description": "D"}
    world.other_organisation.status = ModerationStatus.DRAFT
    world.other_organisation.save()
    assert api_as(world, "other").post(API, body, format="json").status_code == 403
    member = world.people["member"]
    member.email_verified = False
    member.save()
    assert api_as(world, "member").post(API, body, format="json").status_code == 403
    assert page_as(world, "member").get("/xchange/listings/new/").status_code == 403
    assert not Listing.objects.filter(title="T").exists()


# --- Changing --------------------------------------------------------------------------

EDIT = {
    "visitor": 401,
    "author": 200,
    "member": 403,
    "editor": 200,
    "org_admin": 200,
    "other": 403,
    "staff": 200,
}
DELETE = {**EDIT, "author": 204, "editor": 403, "org_admin": 204, "staff": 204}


@pytest.mark.parametrize("role", ROLES)
def test_edit_matrix(world, role):
    response = api_as(world, role).patch(
        f"{API}{world.open.pk}/", {"title": "Changed"}, format="json"
    )
    assert response.status_code == EDIT[role]
    world.open.refresh_from_db()
    assert (world.open.title == "Changed") is (EDIT[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_close_and_reopen_matrix(world, role):
    client = api_as(world, role)
    response = client.post(f"{API}{world.open.pk}/close/")
    assert response.status_code == EDIT[role]
    world.open.refresh_from_db()
    assert world.open.status == ("closed" if EDIT[role] == 200 else "open")
    expected_reopen = EDIT[role] if SEE_HIDDEN[role] == 200 or role == "visitor" else 404
    assert client.post(f"{API}{world.closed.pk}/reopen/").status_code == expected_reopen


@pytest.mark.parametrize("role", ROLES)
def test_delete_matrix(world, role):
    response = api_as(world, role).delete(f"{API}{world.open.pk}/")
    assert response.status_code == DELETE[role]
    assert Listing.objects.filter(pk=world.open.pk).exists() is (DELETE[role] != 204)


@pytest.mark.parametrize("role", ["other", "visitor"])
def test_changing_a_hidden_listing_is_404_not_403(world, role):
    client = api_as(world, role)
    expected = 401 if role == "visitor" else 404
    assert (
        client.patch(f"{API}{world.closed.pk}/", {"title": "x"}, format="json").status_code
        == expected
    )
    assert client.delete(f"{API}{world.closed.pk}/").status_code == expected
    assert client.post(f"{API}{world.closed.pk}/follow/").status_code == expected
    assert (
        client.post(f"{API}{world.closed.pk}/interest/", {"message": "hi"}).status_code == expected
    )


def test_an_author_who_left_the_organisation_can_no_longer_change_the_listing(world):
    world.organisation.memberships.filter(user=world.people["author"]).delete()
    client = api_as(world, "author")
    assert client.patch(f"{API}{world.open.pk}/", {"title": "x"}, format="json").status_code == 403
    assert client.post(f"{API}{world.open.pk}/close/").status_code == 403
    assert client.delete(f"{API}{world.open.pk}/").status_code == 403


# --- Following and interest ------------------------------------------------------------

FOLLOW = dict.fromkeys(ROLES, 200) | {"visitor": 401}
INTEREST = {
    "visitor": 401,
    "author": 403,
    "member": 403,
    "editor": 403,
    "org_admin": 403,
    "other": 201,
    "staff": 201,
}


@pytest.mark.parametrize("role", ROLES)
def test_follow_matrix(world, role):
    client = api_as(world, role)
    assert client.post(f"{API}{world.open.pk}/follow/").status_code == FOLLOW[role]
    if FOLLOW[role] == 200:
        assert ListingFollow.objects.filter(listing=world.open, user=world.people[role]).exists()
        assert client.delete(f"{API}{world.open.pk}/follow/").status_code == 204
        assert not ListingFollow.objects.filter(listing=world.open).exists()


@pytest.mark.parametrize("role", ROLES)
def test_interest_matrix(world, role):
    response = api_as(world, role).post(
        f"{API}{world.open.pk}/interest/",
        {"message": "We would like to talk.", "client_id": f"c-{role}"},
        format="json",
    )
    assert response.status_code == INTEREST[role], response.content
    assert Conversation.objects.filter(listing=world.open).exists() is (INTEREST[role] == 201)
    if INTEREST[role] == 403:
        assert response.json()["error"]["message"] == (
            "This listing belongs to your own organisation."
        )


def test_interest_in_a_closed_or_expired_listing_is_refused_clearly(world):
    # "other" may see the closed listing once they follow it, but may not contact about it.
    ListingFollow.objects.create(listing=world.closed, user=world.people["other"])
    response = api_as(world, "other").post(
        f"{API}{world.closed.pk}/interest/", {"message": "Hello"}, format="json"
    )
    assert response.status_code == 403
    assert "closed or has expired" in response.json()["error"]["message"]
    response = api_as(world, "staff").post(
        f"{API}{world.expired.pk}/interest/", {"message": "Hello"}, format="json"
    )
    assert response.status_code == 403
    assert not Conversation.objects.exists()


# --- Pages -----------------------------------------------------------------------------

PAGE_EDIT = {
    "visitor": 302,  # to the login page
    "author": 200,
    "member": 403,
    "editor": 200,
    "org_admin": 200,
    "other": 403,
    "staff": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(world, role):
    client = page_as(world, role)
    pk = world.open.pk
    edit = client.get(f"/xchange/listings/{pk}/edit/")
    assert edit.status_code == PAGE_EDIT[role]
    if role == "visitor":
        assert edit["Location"].startswith("/account/login/")
    delete_page = client.get(f"/xchange/listings/{pk}/delete/")
    assert delete_page.status_code == {**PAGE_EDIT, "editor": 403}[role]
    hidden_edit = client.get(f"/xchange/listings/{world.closed.pk}/edit/")
    assert hidden_edit.status_code == (
        302 if role == "visitor" else 404 if SEE_HIDDEN[role] == 404 else PAGE_EDIT[role]
    )
    close = client.post(f"/xchange/listings/{pk}/close/")
    world.open.refresh_from_db()
    if EDIT[role] == 200:
        assert close.status_code == 302
        assert world.open.status == "closed"
    else:
        assert close.status_code == (302 if role == "visitor" else 403)
        assert world.open.status == "open"


@pytest.mark.parametrize("role", ROLES)
def test_detail_page_offers_only_the_allowed_actions(world, role):
    html = page_as(world, role).get(f"/xchange/listings/{world.open.pk}/").content.decode()
    assert (f"/xchange/listings/{world.open.pk}/edit/" in html) is (EDIT[role] == 200)
    assert (f"/xchange/listings/{world.open.pk}/delete/" in html) is (DELETE[role] == 204)
    assert (f"/xchange/listings/{world.open.pk}/interest/" in html) is (INTEREST[role] == 201)
    assert (f"/xchange/listings/{world.open.pk}/follow/" in html) is (role != "visitor")
