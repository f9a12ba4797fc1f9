"""The access matrix of the trend universe: every action by every kind of person, through the
pages and the API. Roles: a visitor (signed out); a plain member of the organisation; its
manager (admin); the manager of another organisation; staff. Everyone reads; staff write
trends and scores; an organisation's managers (and staff) say what it works on.

Every cell is listed: a status that is not the expected one (an unexpected allow above all)
fails, and a refused write changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from hub.models import Trend, TrendEngagement, TrendScore
from tests.hub.trends_support import make_trend_world

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "manager", "other_manager", "staff"]
ALL = dict.fromkeys(ROLES, 200)
LOGIN = 302  # signed-out visitors are sent to the login page

PAGES: list[tuple[str, str, dict[str, int]]] = [
    ("get", "/trends/", ALL),
    ("get", "/trends/hydrogen-valleys/", ALL),
    ("get", "/trends/mine/", {**ALL, "visitor": LOGIN}),
    (
        "get",
        "/trends/new/",
        {"visitor": LOGIN, "member": 403, "manager": 403, "other_manager": 403, "staff": 200},
    ),
    (
        "get",
        "/trends/hydrogen-valleys/edit/",
        {"visitor": LOGIN, "member": 403, "manager": 403, "other_manager": 403, "staff": 200},
    ),
]
STAFF_WRITE = {"visitor": 401, "member": 403, "manager": 403, "other_manager": 403}
ENGAGE = {"visitor": 401, "member": 403, "manager": 201, "other_manager": 403, "staff": 201}
DISENGAGE = {"visitor": 401, "member": 403, "manager": 204, "other_manager": 403, "staff": 204}
PEERS = {"visitor": 401, "member": 403, "manager": 200, "other_manager": 403, "staff": 200}
PAGE_ENGAGE = {"visitor": LOGIN, "member": 403, "manager": 302, "other_manager": 403, "staff": 302}


@pytest.fixture
def tw(ecosystems):
    return make_trend_world()


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _state() -> tuple[Any, ...]:
    return (
        list(Trend.objects.order_by("pk").values_list("slug", "title", "summary")),
        list(TrendScore.objects.order_by("pk").values_list("ecosystem_id", "horizon", "impact")),
        list(TrendEngagement.objects.order_by("pk").values_list("trend_id", "organisation_id")),
    )


@pytest.mark.parametrize("role", ROLES)
def test_pages(tw, role):
    client = _client(tw.people[role])
    for method, url, expected in PAGES:
        assert getattr(client, method)(url).status_code == expected[role], (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_staff_writes_through_the_pages(tw, role):
    client = _client(tw.people[role])
    before = _state()
    data = {"title": "New", "summary": "S", "score__digital__short": "3"}
    created = client.post("/trends/new/", data)
    edited = client.post("/trends/hydrogen-valleys/edit/", {"title": "Changed", "summary": "S"})
    deleted = client.post("/trends/circular-textiles/delete/")
    if role == "staff":
        assert (created.status_code, edited.status_code, deleted.status_code) == (302, 302, 302)
        assert Trend.objects.filter(title="New").exists()
        assert not Trend.objects.filter(slug="circular-textiles").exists()
    else:
        expected = LOGIN if role == "visitor" else 403
        assert {created.status_code, edited.status_code, deleted.status_code} == {expected}
        assert _state() == before


@pytest.mark.parametrize("role", ROLES)
def test_staff_writes_through_the_api(tw, role):
    client = _api(tw.people[role])
    before = _state()
    created = client.post("/api/v1/trends/", {"title": "New", "summary": "S"}, format="json")
    patched = client.patch("/api/v1/trends/hydrogen-valleys/", {"title": "Changed"}, format="json")
    deleted = client.delete("/api/v1/trends/circular-textiles/")
    codes = (created.status_code, patched.status_code, deleted.status_code)
    if role == "staff":
        assert codes == (201, 200, 204)
    else:
        assert set(codes) == {STAFF_WRITE[role]}
        assert _state() == before
    assert client.get("/api/v1/trends/").status_code == 200
    assert client.get("/api/v1/trends/hydrogen-valleys/").status_code == 200
    assert client.get("/api/v1/trends/nope/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_saying_what_an_organisation_works_on(tw, role):
    api = _api(tw.people[role])
    slug = tw.organisation.slug
    before = _state()
    added = api.post(
        "/api/v1/trends/circular-textiles/organisations/", {"organisation": slug}, format="json"
    )
    assert added.status_code == ENGAGE[role]
    assert TrendEngagement.objects.filter(
        trend=tw.textiles, organisation=tw.organisation
    ).exists() == (ENGAGE[role] == 201)
    if ENGAGE[role] != 201:
        assert _state() == before
    TrendEngagement.objects.get_or_create(trend=tw.textiles, organisation=tw.organisation)
    removed = api.delete(f"/api/v1/trends/circular-textiles/organisations/{slug}/")
    assert removed.status_code == DISENGAGE[role]
    assert TrendEngagement.objects.filter(
        trend=tw.textiles, organisation=tw.organisation
    ).exists() == (DISENGAGE[role] != 204)
    peers = api.get(f"/api/v1/trends/peers/?organisation={slug}")
    assert peers.status_code == PEERS[role]
    TrendEngagement.objects.filter(trend=tw.textiles).delete()
    page = _client(tw.people[role]).post(
        "/trends/circular-textiles/work/", {"organisation": slug, "action": "add"}
    )
    assert page.status_code == PAGE_ENGAGE[role]
    assert TrendEngagement.objects.filter(
        trend=tw.textiles, organisation=tw.organisation
    ).exists() == (PAGE_ENGAGE[role] == 302 and role != "visitor")


@pytest.mark.parametrize("role", ROLES)
def test_the_other_organisation_is_not_theirs(tw, role):
    """Nobody but its manager and staff changes what the other organisation works on."""
    api = _api(tw.people[role])
    slug = tw.other_organisation.slug
    removed = api.delete(f"/api/v1/trends/hydrogen-valleys/organisations/{slug}/")
    expected = {"visitor": 401, "member": 403, "manager": 403, "other_manager": 204, "staff": 204}
    assert removed.status_code == expected[role]
    assert TrendEngagement.objects.filter(
        trend=tw.hydrogen, organisation=tw.other_organisation
    ).exists() == (expected[role] != 204)


def test_a_draft_organisation_is_not_found(tw):
    tw.organisation.status = "draft"
    tw.organisation.save()
    api = _api(tw.people["manager"])
    response = api.post(
        "/api/v1/trends/circular-textiles/organisations/",
        {"organisation": tw.organisation.slug},
        format="json",
    )
    assert response.status_code == 404
    page = _client(tw.people["manager"]).get("/trends/circular-textiles/").content.decode()
    assert "We work on this" not in page


def test_the_trend_page_offers_we_work_on_this_only_to_managers(tw):
    for role in ROLES:
        page = _client(tw.people[role]).get("/trends/hydrogen-valleys/").content.decode()
        assert ("We work on this" in page) == (role == "manager"), role
