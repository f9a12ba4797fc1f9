"""Who may read, download, suggest, edit and moderate library items: the matrix of
hub/selectors/library.py over visitor, member, suggester and staff by published, pending and
rejected items, through the pages, the PDF download and the API. No unexpected allow; an
item one may not see answers 404 everywhere, so its existence does not leak."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from community.services.accounts import api_token_create
from hub.models import LibraryItem

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "suggester", "staff"]
STATES = ["published", "pending", "rejected"]
# Who sees an item in each state (pages, API detail, PDF download).
SEES = {
    "published": {"visitor", "member", "suggester", "staff"},
    "pending": {"suggester", "staff"},
    "rejected": {"suggester", "staff"},
}


def _page(library, role: str) -> Client:
    client = Client()
    if library.people[role] is not None:
        client.force_login(library.people[role])
    return client


def _api(library, role: str) -> APIClient:
    client = APIClient()
    if library.people[role] is not None:
        client.force_authenticate(library.people[role])
    return client


def _item(library, state: str) -> LibraryItem:
    return library.items["with_pdf" if state == "published" else state]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_read(library, role, state):
    item = _item(library, state)
    allowed = role in SEES[state]
    assert _page(library, role).get(item.get_absolute_url()).status_code == (
        200 if allowed else 404
    )
    assert _api(library, role).get(f"/api/v1/library/{item.slug}/").status_code == (
        200 if allowed else 404
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["published", "pending"])
def test_download_the_pdf(library, role, state):
    item = _item(library, state)
    response = _page(library, role).get(f"/library/{item.slug}/file/")
    assert response.status_code == (200 if role in SEES[state] else 404)


def test_an_api_token_downloads_only_what_its_person_may_see(library):
    pending = library.items["pending"]
    url = f"/library/{pending.slug}/file/"
    _, own = api_token_create(user=library.people["suggester"], name="app")
    _, other = api_token_create(user=library.people["member"], name="app")
    assert Client().get(url, headers={"authorization": f"Bearer {own}"}).status_code == 200
    assert Client().get(url, headers={"authorization": f"Bearer {other}"}).status_code == 404
    assert Client().get(url, headers={"authorization": "Bearer wrong"}).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_only_published_items(library, role):
    slugs = {i["slug"] for i in _api(library, role).get("/api/v1/library/").json()["results"]}
    assert slugs == {library.items["published"].slug, library.items["with_pdf"].slug}
    html = _page(library, role).get("/library/").content.decode()
    listed = html.split('class="news-list"', 1)[1]
    assert "Pending guide" not in listed
    assert "Rejected report" not in listed


def test_mine_lists_the_callers_own_suggestions(library):
    slugs = {
        i["slug"]
        for i in _api(library, "suggester").get("/api/v1/library/?mine=true").json()["results"]
    }
    assert slugs == {library.items["pending"].slug, library.items["rejected"].slug}
    assert _api(library, "member").get("/api/v1/library/?mine=true").json()["results"] == []
    assert _api(library, "visitor").get("/api/v1/library/?mine=true").json()["results"] == []


@pytest.mark.parametrize(
    ("role", "expected"),
    [("visitor", 401), ("unverified", 403), ("member", 201), ("staff", 201)],
)
def test_suggest_through_the_api(library, role, expected):
    data = {"type": "report", "title": f"By {role}", "link": "https://example.org/r"}
    response = _api(library, role).post("/api/v1/library/", data, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        status = "published" if role == "staff" else "needs_review"
        assert response.json()["status"] == status


@pytest.mark.parametrize(
    ("role", "expected"),
    [("visitor", 302), ("unverified", 403), ("member", 200), ("staff", 200)],
)
def test_the_suggestion_form(library, role, expected):
    assert _page(library, role).get("/library/new/").status_code == expected


# Editing: staff always; the suggester while pending or rejected; else 404 (cannot see) or
# 403 (can see, may not edit).
EDIT = {
    ("visitor", "published"): 401,
    ("visitor", "pending"): 401,
    ("visitor", "rejected"): 401,
    ("member", "published"): 403,
    ("member", "pending"): 404,
    ("member", "rejected"): 404,
    ("suggester", "published"): 403,
    ("suggester", "pending"): 200,
    ("suggester", "rejected"): 200,
    ("staff", "published"): 200,
    ("staff", "pending"): 200,
    ("staff", "rejected"): 200,
}


@pytest.mark.parametrize(("role", "state"), list(EDIT))
def test_edit(library, role, state):
    item = _item(library, state)
    response = _api(library, role).patch(
        f"/api/v1/library/{item.slug}/", {"title": "Changed title"}, format="json"
    )
    assert response.status_code == EDIT[(role, state)], response.content
    item.refresh_from_db()
    assert (item.title == "Changed title") == (EDIT[(role, state)] == 200)
    page = _page(library, role).get(f"/library/{item.slug}/edit/")
    expected_page = {401: 302, 403: 403, 404: 404, 200: 200}[EDIT[(role, state)]]
    assert page.status_code == expected_page


@pytest.mark.parametrize("role", ROLES)
def test_publish_and_reject(library, role):
    pending = library.items["pending"]
    api = _api(library, role)
    expected = {"visitor": 401, "member": 404, "suggester": 403, "staff": 200}[role]
    response = api.post(f"/api/v1/library/{pending.slug}/reject/", {"reason": "No"})
    assert response.status_code == expected
    pending.refresh_from_db()
    assert (pending.status == "rejected") == (role == "staff")
    published = library.items["published"]
    response = api.post(f"/api/v1/library/{published.slug}/publish/")
    assert response.status_code == {"visitor": 401, "staff": 400}.get(role, 403)
    # The page buttons follow the same rule.
    page = _page(library, role).post(f"/library/{published.slug}/reject/", {"reason": "x"})
    published.refresh_from_db()
    assert (published.status == "rejected") == (role == "staff")
    assert page.status_code in ({302} if role in ("visitor", "staff") else {403})


@pytest.mark.parametrize("role", ROLES)
def test_the_review_queue_is_staff_only(library, role):
    response = _api(library, role).get("/api/v1/library/moderation/")
    assert response.status_code == (200 if role == "staff" else 404)
    if role == "staff":
        assert [i["slug"] for i in response.json()["results"]] == [library.items["pending"].slug]


@pytest.mark.parametrize("role", ROLES)
def test_collections_list_only_visible_items(library, role):
    slug = library.collection.slug
    items = _api(library, role).get(f"/api/v1/library/collections/{slug}/").json()["items"]
    titles = [i["title"] for i in items]
    assert titles[:2] == ["Hydrogen toolkit", "Health clusters and medical devices"]
    assert ("Pending guide to clusters" in titles) == (role in SEES["pending"])
    html = _page(library, role).get(f"/library/collections/{slug}/").content.decode()
    assert ("Pending guide to clusters" in html) == (role in SEES["pending"])


@pytest.mark.parametrize(
    ("role", "expected"), [("visitor", 401), ("member", 403), ("suggester", 403), ("staff", 201)]
)
def test_only_staff_curate_collections(library, role, expected):
    items = [library.items["published"].slug, library.items["with_pdf"].slug]
    api = _api(library, role)
    response = api.post(
        "/api/v1/library/collections/", {"title": "Health", "items": items}, format="json"
    )
    assert response.status_code == expected, response.content
    slug = library.collection.slug
    response = api.put(
        f"/api/v1/library/collections/{slug}/",
        {"title": "Renamed", "items": items[::-1]},
        format="json",
    )
    assert response.status_code == (200 if role == "staff" else expected)
    library.collection.refresh_from_db()
    assert (library.collection.title == "Renamed") == (role == "staff")
    if role == "staff":
        assert [i["slug"] for i in response.json()["items"]] == items[::-1]
        bad = api.put(
            f"/api/v1/library/collections/{slug}/",
            {"title": "x", "items": ["no-such-item"]},
            format="json",
        )
        assert bad.status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_the_review_page_is_staff_only(library, role):
    response = _page(library, role).get("/library/moderation/")
    assert response.status_code == (200 if role == "staff" else 404)
    listing = _page(library, role).get("/library/").content.decode()
    assert ("1 suggestion to review" in listing) == (role == "staff")
    if role == "staff":
        assert "Pending guide to clusters" in response.content.decode()
