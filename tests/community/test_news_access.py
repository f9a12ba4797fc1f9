"""The access matrix of news: every action by every kind of person, through API and pages.

Roles: a visitor; the author (a plain member of the posting organisation); another member
of the posting organisation; an admin of that organisation; the admin of another
organisation; staff. Hidden objects answer 404, visible but forbidden ones 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from community.models import Ecosystem, ModerationStatus, NewsItem
from community.models.taxonomy import ECOSYSTEMS
from tests.factories import (
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)

ROLES = ["visitor", "author", "member", "org_admin", "other_admin", "staff"]


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@dataclass
class World:
    people: dict[str, Any]
    organisation: Any
    draft: NewsItem
    in_review: NewsItem
    published: NewsItem


@pytest.fixture
def world(db) -> World:
    organisation = OrganisationFactory()
    other = OrganisationFactory()
    author = MembershipFactory(organisation=organisation, role="member").user
    people = {
        "visitor": None,
        "author": author,
        "member": MembershipFactory(organisation=organisation, role="member").user,
        "org_admin": MembershipFactory(organisation=organisation, role="admin").user,
        "other_admin": MembershipFactory(organisation=other, role="admin").user,
        "staff": StaffFactory(),
    }

    def item(status: str, **extra: Any) -> NewsItem:
        return NewsItemFactory(
            author=author,
            organisation=organisation,
            status=status,
            published_at=None if status != ModerationStatus.PUBLISHED else extra.pop("at", None),
            **extra,
        )

    published = NewsItemFactory(author=author, organisation=organisation)
    return World(
        people=people,
        organisation=organisation,
        draft=item(ModerationStatus.DRAFT),
        in_review=item(ModerationStatus.NEEDS_REVIEW),
        published=published,
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


# --- API -------------------------------------------------------------------------------
# action: expected status for each of ROLES, in order
#                     visitor author member org_admin other_admin staff
API_MATRIX: dict[str, tuple[int, ...]] = {
    "view_draft": (404, 200, 200, 200, 404, 200),
    "view_in_review": (404, 200, 200, 200, 404, 200),
    "view_published": (200, 200, 200, 200, 200, 200),
    "create": (401, 201, 201, 201, 403, 201),
    "edit_draft": (401, 200, 403, 403, 404, 200),
    "edit_published": (401, 403, 403, 403, 403, 200),
    "submit": (401, 200, 403, 403, 404, 200),
    "publish": (401, 403, 403, 403, 404, 200),
    "reject": (401, 403, 403, 403, 404, 200),
    "delete_draft": (401, 204, 403, 403, 404, 204),
    "delete_published": (401, 403, 403, 403, 403, 204),
    "moderation_queue": (404, 404, 404, 404, 404, 200),
}  # fmt: skip


def run_api(world: World, client: APIClient, action: str) -> Any:
    base = "/api/v1/news/"
    if action == "view_draft":
        return client.get(f"{base}{world.draft.slug}/")
    if action == "view_in_review":
        return client.get(f"{base}{world.in_review.slug}/")
    if action == "view_published":
        return client.get(f"{base}{world.published.slug}/")
    if action == "create":
        return client.post(
            base,
            {"title": "New", "summary": "S", "organisation": world.organisation.slug},
            format="json",
        )
    if action == "edit_draft":
        return client.patch(f"{base}{world.draft.slug}/", {"title": "Changed"}, format="json")
    if action == "edit_published":
        return client.patch(f"{base}{world.published.slug}/", {"title": "Changed"}, format="json")
    if action == "submit":
        return client.post(f"{base}{world.draft.slug}/submit/")
    if action == "publish":
        return client.post(f"{base}{world.in_review.slug}/publish/")
    if action == "reject":
        return client.post(
            f"{base}{world.in_review.slug}/reject/", {"reason": "Off topic"}, format="json"
        )
    if action == "delete_draft":
        return client.delete(f"{base}{world.draft.slug}/")
    if action == "delete_published":
        return client.delete(f"{base}{world.published.slug}/")
    if action == "moderation_queue":
        return client.get("/api/v1/moderation/news/")
    raise AssertionError(action)


def stored_state(world: World) -> list[tuple[str, str, str]]:
    return list(NewsItem.objects.order_by("pk").values_list("slug", "title", "status"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(API_MATRIX))
def test_news_api_access_matrix(world, role, action):
    before = stored_state(world)
    response = run_api(world, api_as(world, role), action)
    expected = API_MATRIX[action][ROLES.index(role)]
    assert response.status_code == expected, (action, role, response.content[:300])
    if expected >= 400:
        # A refused action changes nothing, and a hidden item is not described.
        assert stored_state(world) == before
        assert response.json()["error"]["code"] in {
            "not_found",
            "permission_denied",
            "not_authenticated",
        }
        if expected == 404:
            assert world.draft.title.encode() not in response.content


def test_news_api_matrix_outcomes(world):
    """The allowed actions do what they say."""
    author, staff = api_as(world, "author"), api_as(world, "staff")
    assert author.post(f"/api/v1/news/{world.draft.slug}/submit/").json()["status"] == (
        "needs_review"
    )
    assert staff.post(f"/api/v1/news/{world.in_review.slug}/publish/").json()["status"] == (
        "published"
    )
    created = author.post(
        "/api/v1/news/",
        {"title": "Ours", "summary": "S", "organisation": world.organisation.slug},
        format="json",
    ).json()
    assert created["status"] == "draft"
    by_staff = staff.post("/api/v1/news/", {"title": "Staff", "summary": "S"}, format="json")
    assert by_staff.json()["status"] == "published"
    assert by_staff.json()["published_at"]


# --- Pages -----------------------------------------------------------------------------
# Visitors are sent to the login page (302) for anything that needs an account.
#                          visitor author member org_admin other_admin staff
PAGE_MATRIX: dict[str, tuple[int, ...]] = {
    "view_draft": (404, 200, 200, 200, 404, 200),
    "view_published": (200, 200, 200, 200, 200, 200),
    "create_form": (302, 200, 200, 200, 200, 200),
    "create_for_org": (302, 302, 302, 302, 200, 302),
    "edit_draft_form": (302, 200, 403, 403, 404, 200),
    "edit_draft": (302, 302, 403, 403, 404, 302),
    "edit_published_form": (302, 403, 403, 403, 403, 200),
    "submit": (302, 302, 403, 403, 404, 302),
    "publish": (302, 403, 403, 403, 404, 302),
    "reject": (302, 403, 403, 403, 404, 302),
    "delete_draft": (302, 302, 403, 403, 404, 302),
    "moderation_queue": (404, 404, 404, 404, 404, 200),
}  # fmt: skip

# What each allowed page action leaves in the database.
PAGE_EFFECTS = {
    "create_for_org": lambda w: NewsItem.objects.filter(title="From the page").exists(),
    "edit_draft": lambda w: NewsItem.objects.get(pk=w.draft.pk).title == "Edited",
    "submit": lambda w: NewsItem.objects.get(pk=w.draft.pk).status == "needs_review",
    "publish": lambda w: NewsItem.objects.get(pk=w.in_review.pk).status == "published",
    "reject": lambda w: NewsItem.objects.get(pk=w.in_review.pk).status == "rejected",
    "delete_draft": lambda w: not NewsItem.objects.filter(pk=w.draft.pk).exists(),
}


def run_page(world: World, client: Client, action: str) -> Any:
    form = {
        "title": "From the page",
        "summary": "S",
        "body": "<p>B</p>",
        "organisation": world.organisation.slug,
        "country": "",
    }
    if action == "view_draft":
        return client.get(f"/news/{world.draft.slug}/")
    if action == "view_published":
        return client.get(f"/news/{world.published.slug}/")
    if action == "create_form":
        return client.get("/news/new/")
    if action == "create_for_org":
        return client.post("/news/new/", form)
    if action == "edit_draft_form":
        return client.get(f"/news/{world.draft.slug}/edit/")
    if action == "edit_draft":
        return client.post(f"/news/{world.draft.slug}/edit/", {**form, "title": "Edited"})
    if action == "edit_published_form":
        return client.get(f"/news/{world.published.slug}/edit/")
    if action == "submit":
        return client.post(f"/news/{world.draft.slug}/submit/")
    if action == "publish":
        return client.post(f"/news/{world.in_review.slug}/publish/")
    if action == "reject":
        return client.post(f"/news/{world.in_review.slug}/reject/", {"reason": "No"})
    if action == "delete_draft":
        return client.post(f"/news/{world.draft.slug}/delete/")
    if action == "moderation_queue":
        return client.get("/moderation/?kind=news")
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(PAGE_MATRIX))
def test_news_pages_access_matrix(world, role, action):
    before = stored_state(world)
    response = run_page(world, page_as(world, role), action)
    expected = PAGE_MATRIX[action][ROLES.index(role)]
    assert response.status_code == expected, (action, role)
    if role == "visitor" and expected == 302:
        assert response["Location"].startswith("/account/login/")
    if (
        expected in {403, 404}
        or role == "visitor"
        or (action == "create_for_org" and expected == 200)
    ):
        assert stored_state(world) == before
    elif action in PAGE_EFFECTS:
        assert PAGE_EFFECTS[action](world), (action, role)
    if expected == 404:
        assert world.draft.title.encode() not in response.content


def test_person_without_verified_email_or_published_organisation_cannot_post(db):
    unverified = MembershipFactory(user=UserFactory(email_verified=False)).user
    draft_org_member = MembershipFactory(organisation=OrganisationFactory(status="draft")).user
    loner = UserFactory()
    for person in (unverified, draft_org_member, loner):
        client = Client()
        client.force_login(person)
        page = client.get("/news/new/")
        assert page.status_code == 403
        assert b"verified email address" in page.content
        api = APIClient()
        api.force_authenticate(person)
        response = api.post("/api/v1/news/", {"title": "T", "summary": "S"}, format="json")
        assert response.status_code in {400, 403}
    assert not NewsItem.objects.exists()


def test_author_who_left_the_organisation_can_no_longer_edit(world):
    world.organisation.memberships.filter(user=world.people["author"]).delete()
    client = api_as(world, "author")
    response = client.patch(f"/api/v1/news/{world.draft.slug}/", {"title": "X"}, format="json")
    assert response.status_code == 403
    # They still see their own item.
    assert client.get(f"/api/v1/news/{world.draft.slug}/").status_code == 200


def test_rejected_item_can_be_edited_and_resubmitted_by_author(world):
    staff, author = api_as(world, "staff"), api_as(world, "author")
    staff.post(f"/api/v1/news/{world.in_review.slug}/reject/", {"reason": "Add a date"})
    item = author.get(f"/api/v1/news/{world.in_review.slug}/").json()
    assert item["status"] == "rejected"
    assert item["rejection_reason"] == "Add a date"
    edit = author.patch(
        f"/api/v1/news/{world.in_review.slug}/", {"summary": "On 3 May"}, format="json"
    )
    assert edit.status_code == 200
    resubmitted = author.post(f"/api/v1/news/{world.in_review.slug}/submit/")
    assert resubmitted.json()["status"] == "needs_review"
