"""The access matrix of In focus pages: visitors, members and staff reading and editing, a
published and an unpublished page, through the pages and the API. Every cell is listed; an
unexpected allow fails."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "visitor", "member", "staff"]
READ = {
    "published": dict.fromkeys(ROLES, 200),
    "draft": {"anonymous": 404, "visitor": 404, "member": 404, "staff": 200},
}
PAGE_EDIT = {
    "published": {"anonymous": 302, "visitor": 403, "member": 403, "staff": 200},
    "draft": {"anonymous": 302, "visitor": 404, "member": 404, "staff": 200},
}
API_EDIT = {
    "published": {"anonymous": 401, "visitor": 403, "member": 403, "staff": 200},
    "draft": {"anonymous": 401, "visitor": 404, "member": 404, "staff": 200},
}
CREATE = {"anonymous": 401, "visitor": 403, "member": 403, "staff": 201}
PAGE_CREATE = {"anonymous": 302, "visitor": 403, "member": 403, "staff": 200}
SLUGS = {"published": "digital-transition", "draft": "resilience"}


def _clients(world, role):
    page, api = Client(), APIClient()
    if world.people[role] is not None:
        page.force_login(world.people[role])
        api.force_authenticate(world.people[role])
    return page, api


@pytest.mark.parametrize("role", ROLES)
def test_the_access_matrix(country_world, role):
    page, api = _clients(country_world, role)
    got: dict[str, object] = {}
    want: dict[str, object] = {}
    for state, slug in SLUGS.items():
        got[f"read page {state}"] = page.get(f"/focus/{slug}/").status_code
        got[f"read api {state}"] = api.get(f"/api/v1/focus/{slug}/").status_code
        got[f"edit page {state}"] = page.get(f"/focus/{slug}/edit/").status_code
        got[f"edit api {state}"] = api.patch(
            f"/api/v1/focus/{slug}/", {"summary": f"by {role}"}, format="json"
        ).status_code
        want[f"read page {state}"] = READ[state][role]
        want[f"read api {state}"] = READ[state][role]
        want[f"edit page {state}"] = PAGE_EDIT[state][role]
        want[f"edit api {state}"] = API_EDIT[state][role]
    got["create page"] = page.get("/focus/new/").status_code
    got["create api"] = api.post(
        "/api/v1/focus/", {"title": f"New {role}", "kind": "policy"}, format="json"
    ).status_code
    want["create page"] = PAGE_CREATE[role]
    want["create api"] = CREATE[role]
    assert got == want
    listed = [p["slug"] for p in api.get("/api/v1/focus/").json()]
    assert ("resilience" in listed) is (role == "staff")
