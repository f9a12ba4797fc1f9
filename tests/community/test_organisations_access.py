"""The access matrix of organisation profiles: every action by every kind of person, through
the REST API and through the pages. Hidden objects answer 404; a permitted action happens, a
refused one leaves the database as it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from community.models import (
    Ecosystem,
    ModerationStatus,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
)
from community.models.taxonomy import ECOSYSTEMS
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory

ACTORS = ["visitor", "member", "admin", "other_admin", "staff"]
LOGIN = "login"  # a page redirects a visitor to the login page


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@dataclass
class World:
    draft: Organisation
    published: Organisation
    review: Organisation
    other: Organisation
    people: dict[str, Any]
    target: Any  # a plain member of `draft` whom admins manage in the matrix

    def reload(self, organisation: Organisation) -> Organisation | None:
        return Organisation.objects.filter(pk=organisation.pk).first()


@pytest.fixture
def world(db) -> World:
    complete = {"contact_email": "office@cluster.example.org"}
    draft = OrganisationFactory(status=ModerationStatus.DRAFT, **complete)
    published = OrganisationFactory(status=ModerationStatus.PUBLISHED, **complete)
    review = OrganisationFactory(status=ModerationStatus.NEEDS_REVIEW, **complete)
    other = OrganisationFactory(status=ModerationStatus.PUBLISHED)
    admin = MembershipFactory(organisation=draft, role="admin").user
    member = MembershipFactory(organisation=draft, role="member").user
    target = MembershipFactory(organisation=draft, role="member").user
    for organisation in (published, review):
        MembershipFactory(organisation=organisation, user=admin, role="admin")
        MembershipFactory(organisation=organisation, user=member, role="member")
    other_admin = MembershipFactory(organisation=other, role="admin").user
    people = {
        "visitor": None,
        "member": member,
        "admin": admin,
        "other_admin": other_admin,
        "staff": StaffFactory(),
    }
    return World(draft, published, review, other, people, target)


def _role_of(world: World) -> str | None:
    return (
        OrganisationMembership.objects.filter(organisation=world.draft, user=world.target)
        .values_list("role", flat=True)
        .first()
    )


@dataclass
class Action:
    """One thing a person may try: its API request, its page request and its effect."""

    api: Callable[[APIClient, World], Any]
    page: Callable[[Client, World], Any]
    # Expected status per actor, in ACTORS order: (api statuses, page statuses).
    expected_api: tuple[Any, ...]
    expected_page: tuple[Any, ...]
    happened: Callable[[World], bool] | None = None
    # Whether the page request makes the change (a GET of a form does not).
    page_writes: bool = True


def _d(world: World) -> str:
    return world.draft.slug


ACTIONS: dict[str, Action] = {
    "view draft": Action(
        api=lambda c, w: c.get(f"/api/v1/organisations/{_d(w)}/"),
        page=lambda c, w: c.get(f"/organisations/{_d(w)}/"),
        expected_api=(404, 200, 200, 404, 200),
        expected_page=(404, 200, 200, 404, 200),
    ),
    "view published": Action(
        api=lambda c, w: c.get(f"/api/v1/organisations/{w.published.slug}/"),
        page=lambda c, w: c.get(f"/organisations/{w.published.slug}/"),
        expected_api=(200, 200, 200, 200, 200),
        expected_page=(200, 200, 200, 200, 200),
    ),
    "view under review": Action(
        api=lambda c, w: c.get(f"/api/v1/organisations/{w.review.slug}/"),
        page=lambda c, w: c.get(f"/organisations/{w.review.slug}/"),
        expected_api=(404, 200, 200, 404, 200),
        expected_page=(404, 200, 200, 404, 200),
    ),
    "edit draft": Action(
        api=lambda c, w: c.patch(f"/api/v1/organisations/{_d(w)}/", {"city": "Bonn"}),
        page=lambda c, w: c.get(f"/organisations/{_d(w)}/edit/"),
        expected_api=(401, 403, 200, 404, 200),
        expected_page=(LOGIN, 403, 200, 404, 200),
        happened=lambda w: w.reload(w.draft).city == "Bonn",
        page_writes=False,
    ),
    "edit published": Action(
        api=lambda c, w: c.patch(f"/api/v1/organisations/{w.published.slug}/", {"city": "Bonn"}),
        page=lambda c, w: c.get(f"/organisations/{w.published.slug}/edit/"),
        expected_api=(401, 403, 200, 403, 200),
        expected_page=(LOGIN, 403, 200, 403, 200),
        happened=lambda w: w.reload(w.published).city == "Bonn",
        page_writes=False,
    ),
    "submit": Action(
        api=lambda c, w: c.post(f"/api/v1/organisations/{_d(w)}/submit/"),
        page=lambda c, w: c.post(f"/organisations/{_d(w)}/submit/"),
        expected_api=(401, 403, 200, 404, 200),
        expected_page=(LOGIN, 403, 302, 404, 302),
        happened=lambda w: w.reload(w.draft).status == ModerationStatus.NEEDS_REVIEW,
    ),
    "publish": Action(
        api=lambda c, w: c.post(f"/api/v1/organisations/{w.review.slug}/publish/"),
        page=lambda c, w: c.post("/moderation/publish/", {"items": f"profile:{w.review.pk}"}),
        expected_api=(401, 403, 403, 404, 200),
        expected_page=(404, 404, 404, 404, 302),
        happened=lambda w: w.reload(w.review).status == ModerationStatus.PUBLISHED,
    ),
    "reject": Action(
        api=lambda c, w: c.post(
            f"/api/v1/organisations/{w.review.slug}/reject/", {"reason": "No website."}
        ),
        page=lambda c, w: c.post(
            f"/moderation/profile/{w.review.pk}/reject/", {"reason": "No website."}
        ),
        expected_api=(401, 403, 403, 404, 200),
        expected_page=(404, 404, 404, 404, 302),
        happened=lambda w: w.reload(w.review).status == ModerationStatus.REJECTED,
    ),
    "delete draft": Action(
        api=lambda c, w: c.delete(f"/api/v1/organisations/{_d(w)}/"),
        page=lambda c, w: c.post(f"/organisations/{_d(w)}/delete/"),
        expected_api=(401, 403, 204, 404, 204),
        expected_page=(LOGIN, 403, 302, 404, 302),
        happened=lambda w: w.reload(w.draft) is None,
    ),
    "delete published": Action(
        api=lambda c, w: c.delete(f"/api/v1/organisations/{w.published.slug}/"),
        page=lambda c, w: c.post(f"/organisations/{w.published.slug}/delete/"),
        expected_api=(401, 403, 403, 403, 204),
        expected_page=(LOGIN, 403, 403, 403, 302),
        happened=lambda w: w.reload(w.published) is None,
    ),
    "list members of draft": Action(
        api=lambda c, w: c.get(f"/api/v1/organisations/{_d(w)}/members/"),
        page=lambda c, w: c.get(f"/organisations/{_d(w)}/members/"),
        expected_api=(404, 200, 200, 404, 200),
        expected_page=(LOGIN, 200, 200, 404, 200),
    ),
    "list members of published": Action(
        api=lambda c, w: c.get(f"/api/v1/organisations/{w.published.slug}/members/"),
        page=lambda c, w: c.get(f"/organisations/{w.published.slug}/members/"),
        expected_api=(403, 200, 200, 403, 200),
        expected_page=(LOGIN, 200, 200, 403, 200),
    ),
    "invite": Action(
        api=lambda c, w: c.post(
            f"/api/v1/organisations/{_d(w)}/invitations/",
            {"email": "new@example.org", "role": "editor"},
        ),
        page=lambda c, w: c.post(
            f"/organisations/{_d(w)}/members/invite/",
            {"email": "new@example.org", "role": "editor"},
        ),
        expected_api=(401, 403, 201, 404, 201),
        expected_page=(LOGIN, 403, 302, 404, 302),
        happened=lambda w: OrganisationInvitation.objects.filter(
            organisation=w.draft, email="new@example.org"
        ).exists(),
    ),
    "list invitations": Action(
        api=lambda c, w: c.get(f"/api/v1/organisations/{_d(w)}/invitations/"),
        page=lambda c, w: c.get(f"/organisations/{_d(w)}/members/"),
        expected_api=(404, 403, 200, 404, 200),
        expected_page=(LOGIN, 200, 200, 404, 200),
    ),
    "change role": Action(
        api=lambda c, w: c.patch(
            f"/api/v1/organisations/{_d(w)}/members/{w.target.pk}/", {"role": "editor"}
        ),
        page=lambda c, w: c.post(
            f"/organisations/{_d(w)}/members/{w.target.pk}/role/", {"role": "editor"}
        ),
        expected_api=(401, 403, 200, 404, 200),
        expected_page=(LOGIN, 403, 302, 404, 302),
        happened=lambda w: _role_of(w) == "editor",
    ),
    "remove member": Action(
        api=lambda c, w: c.delete(f"/api/v1/organisations/{_d(w)}/members/{w.target.pk}/"),
        page=lambda c, w: c.post(f"/organisations/{_d(w)}/members/{w.target.pk}/remove/"),
        expected_api=(401, 403, 204, 404, 204),
        expected_page=(LOGIN, 403, 302, 404, 302),
        happened=lambda w: _role_of(w) is None,
    ),
    "view moderation queue": Action(
        api=lambda c, w: c.get("/api/v1/moderation/organisations/"),
        page=lambda c, w: c.get("/moderation/"),
        expected_api=(404, 404, 404, 404, 200),
        expected_page=(404, 404, 404, 404, 200),
    ),
}

CASES = [(name, actor) for name in ACTIONS for actor in ACTORS]


@pytest.mark.parametrize(("action_name", "actor"), CASES)
def test_api_access(world, action_name, actor):
    action = ACTIONS[action_name]
    expected = action.expected_api[ACTORS.index(actor)]
    client = APIClient()
    if world.people[actor] is not None:
        client.force_authenticate(world.people[actor])
    response = action.api(client, world)
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert "error" in response.json()
        if expected == 404:
            # Nothing about the hidden profile leaks into the answer.
            assert world.draft.name not in response.content.decode()
    if action.happened is not None:
        assert action.happened(world) is (expected < 400)


@pytest.mark.parametrize(("action_name", "actor"), CASES)
def test_page_access(world, action_name, actor):
    action = ACTIONS[action_name]
    expected = action.expected_page[ACTORS.index(actor)]
    client = Client()
    if world.people[actor] is not None:
        client.force_login(world.people[actor])
    response = action.page(client, world)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
    else:
        assert response.status_code == expected
    if expected == 404:
        assert world.draft.name.encode() not in response.content
    if action.happened is not None and action.page_writes:
        assert action.happened(world) is (expected in (200, 302))


def test_matrix_covers_every_actor_and_action():
    for name, action in ACTIONS.items():
        assert len(action.expected_api) == len(ACTORS), name
        assert len(action.expected_page) == len(ACTORS), name
