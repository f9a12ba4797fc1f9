"""Access matrix of partnership writes (visitor / partnership member / staff), API and pages.

Reading is public; every write is for staff. A member of the partnership (someone whose
organisation belongs to it) has no more write rights than anyone else.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from community.models import Ecosystem, Partnership, PartnershipMembership
from community.models.taxonomy import ECOSYSTEMS
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory, StaffFactory

ROLES = ["visitor", "member", "staff"]


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def world(db) -> dict[str, Any]:
    coordinator = OrganisationFactory(slug="coord")
    partnership = PartnershipFactory(slug="p1", coordinator=coordinator)
    member_org = OrganisationFactory(slug="member-org")
    PartnershipMembership.objects.create(partnership=partnership, organisation=coordinator)
    PartnershipMembership.objects.create(partnership=partnership, organisation=member_org)
    OrganisationFactory(slug="outsider-org")
    return {
        "partnership": partnership,
        "people": {
            "visitor": None,
            "member": MembershipFactory(organisation=member_org, role="admin").user,
            "staff": StaffFactory(),
        },
    }


def state() -> list[Any]:
    return [
        list(Partnership.objects.order_by("pk").values_list("slug", "name", "end_date")),
        sorted(
            PartnershipMembership.objects.values_list("partnership__slug", "organisation__slug")
        ),
    ]


# action: expected status for visitor, member, staff
API_MATRIX = {
    "read_list": (200, 200, 200),
    "read_detail": (200, 200, 200),
    "read_members": (200, 200, 200),
    "create": (401, 403, 201),
    "update": (401, 403, 200),
    "add_member": (401, 403, 201),
    "remove_member": (401, 403, 204),
}


def run_api(client: APIClient, action: str) -> Any:
    if action == "read_list":
        return client.get("/api/v1/partnerships/")
    if action == "read_detail":
        return client.get("/api/v1/partnerships/p1/")
    if action == "read_members":
        return client.get("/api/v1/partnerships/p1/members/")
    if action == "create":
        return client.post(
            "/api/v1/partnerships/",
            {"kind": "eurocluster", "name": "Green Wave", "coordinator": "coord"},
            format="json",
        )
    if action == "update":
        return client.patch("/api/v1/partnerships/p1/", {"name": "Renamed"}, format="json")
    if action == "add_member":
        return client.post(
            "/api/v1/partnerships/p1/members/", {"organisation": "outsider-org"}, format="json"
        )
    if action == "remove_member":
        return client.delete("/api/v1/partnerships/p1/members/member-org/")
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(API_MATRIX))
def test_partnership_api_access_matrix(world, role, action):
    client = APIClient()
    if world["people"][role]:
        client.force_authenticate(world["people"][role])
    before = state()
    response = run_api(client, action)
    assert response.status_code == API_MATRIX[action][ROLES.index(role)], (
        action,
        role,
        response.content,
    )
    if response.status_code >= 400 or action.startswith("read"):
        assert state() == before
    else:
        assert state() != before


PAGE_MATRIX = {
    "list": (200, 200, 200),
    "detail": (200, 200, 200),
    "create_form": (302, 403, 200),
    "create": (302, 403, 302),
    "edit_form": (302, 403, 200),
    "edit": (302, 403, 302),
    "add_member": (302, 403, 302),
    "remove_member": (302, 403, 302),
}

FORM = {"kind": "eurocluster", "name": "Green Wave", "coordinator": "coord", "description": ""}


def run_page(client: Client, action: str) -> Any:
    if action == "list":
        return client.get("/partnerships/")
    if action == "detail":
        return client.get("/partnerships/p1/")
    if action == "create_form":
        return client.get("/partnerships/new/")
    if action == "create":
        return client.post("/partnerships/new/", FORM)
    if action == "edit_form":
        return client.get("/partnerships/p1/edit/")
    if action == "edit":
        return client.post("/partnerships/p1/edit/", {**FORM, "name": "Renamed"})
    if action == "add_member":
        return client.post("/partnerships/p1/members/", {"organisation": "outsider-org"})
    if action == "remove_member":
        return client.post("/partnerships/p1/members/member-org/remove/")
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(PAGE_MATRIX))
def test_partnership_pages_access_matrix(world, role, action):
    client = Client()
    if world["people"][role]:
        client.force_login(world["people"][role])
    before = state()
    response = run_page(client, action)
    assert response.status_code == PAGE_MATRIX[action][ROLES.index(role)], (action, role)
    if role == "visitor" and response.status_code == 302:
        assert response["Location"].startswith("/account/login/")
    if role != "staff" or action in {"list", "detail", "create_form", "edit_form"}:
        assert state() == before
    else:
        assert state() != before


def test_unknown_partnership_is_404_for_everyone(world):
    staff = APIClient()
    staff.force_authenticate(world["people"]["staff"])
    assert staff.get("/api/v1/partnerships/nope/").status_code == 404
    assert staff.patch("/api/v1/partnerships/nope/", {"name": "x"}).status_code == 404
    assert staff.delete("/api/v1/partnerships/p1/members/outsider-org/").status_code == 404
    assert Client().get("/partnerships/nope/").status_code == 404
