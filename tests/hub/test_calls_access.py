"""The access matrix of open calls: every action by every kind of person, through the API and
the pages. Roles: anonymous; the author (a plain member of the posting organisation); another
member of that organisation; an admin of another organisation; staff. A call one may not see
answers 404; one that is visible but not one's to change answers 403 (401 when signed out).

Every cell is listed: a status that is not the expected one (an unexpected allow above all)
fails the test.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from community.models.moderation import REASON_MAX_LENGTH
from hub.models import Call, CallFollow, CallListing

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "author", "member", "other", "staff"]
PUBLIC = dict.fromkeys(ROLES, 200)
PRIVATE = {"anonymous": 404, "author": 200, "member": 200, "other": 404, "staff": 200}

DETAIL = {
    "draft": PRIVATE,
    "pending": PRIVATE,
    "rejected": PRIVATE,
    "published": PUBLIC,
    "closed": PUBLIC,
}
EDIT = {
    "draft": {"anonymous": 401, "author": 200, "member": 403, "other": 404, "staff": 200},
    "pending": {"anonymous": 401, "author": 403, "member": 403, "other": 404, "staff": 200},
    "published": {"anonymous": 401, "author": 403, "member": 403, "other": 403, "staff": 200},
}
SUBMIT = {"anonymous": 401, "author": 200, "member": 403, "other": 404, "staff": 200}
PUBLISH = {"anonymous": 401, "author": 403, "member": 403, "other": 404, "staff": 200}
REJECT = {"anonymous": 401, "author": 403, "member": 403, "other": 403, "staff": 200}
CREATE = {"anonymous": 401, "author": 201, "member": 201, "other": 201, "staff": 201}
FOLLOW = {
    "published": {"anonymous": 401, "author": 200, "member": 200, "other": 200, "staff": 200},
    "closed": {"anonymous": 401, "author": 400, "member": 400, "other": 400, "staff": 400},
    "draft": {"anonymous": 401, "author": 400, "member": 400, "other": 404, "staff": 400},
}
# Tag the author's organisation's live listing: who may edit that listing (its author, staff).
TAG = {"anonymous": 401, "author": 201, "member": 403, "other": 403, "staff": 201}
UNTAG = {"anonymous": 401, "author": 204, "member": 403, "other": 403, "staff": 204}


def _api(world, role: str) -> APIClient:
    client = APIClient()
    if world.people[role] is not None:
        client.force_authenticate(world.people[role])
    return client


def _page(world, role: str) -> Client:
    client = Client()
    if world.people[role] is not None:
        client.force_login(world.people[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_only_published_open_calls_to_everyone(world, role):
    response = _api(world, role).get("/api/v1/calls/")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["results"]] == [world.calls["published"].slug]
    page = _page(world, role).get("/calls/")
    assert page.status_code == 200
    # The list itself (the author also sees their unpublished calls above it, as links).
    listed = page.content.decode().split('class="news-list"', 1)[1]
    for name, call in world.calls.items():
        assert (call.title in listed) == (name == "published"), name
    mine = "Your unpublished calls" in page.content.decode()
    assert mine == (role == "author")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", sorted(DETAIL))
def test_detail(world, role, state):
    slug = world.calls[state].slug
    assert _api(world, role).get(f"/api/v1/calls/{slug}/").status_code == DETAIL[state][role]
    assert _page(world, role).get(f"/calls/{slug}/").status_code == DETAIL[state][role]


@pytest.mark.parametrize("role", ROLES)
def test_create(world, role):
    body = {
        "kind": "tender",
        "title": f"A tender by {role}",
        "summary": "Services wanted.",
        "deadline": "2031-01-10T12:00",
        "official_url": "https://example.org/tender",
    }
    organisation = {
        "author": world.organisation,
        "member": world.organisation,
        "other": world.other_organisation,
    }.get(role)
    if organisation is not None:
        body["organisation"] = organisation.slug
    response = _api(world, role).post("/api/v1/calls/", body, format="json")
    assert response.status_code == CREATE[role], response.content
    if response.status_code == 201:
        expected = "published" if role == "staff" else "draft"
        assert response.json()["status"] == expected


def test_one_may_not_post_for_another_organisation(world):
    body = {
        "kind": "tender",
        "title": "Not mine",
        "summary": "x",
        "deadline": "2031-01-10T12:00",
        "official_url": "https://example.org/",
        "organisation": world.other_organisation.slug,
    }
    response = _api(world, "author").post("/api/v1/calls/", body, format="json")
    assert response.status_code == 403
    assert not Call.objects.filter(title="Not mine").exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", sorted(EDIT))
def test_edit(world, role, state):
    call = world.calls[state]
    response = _api(world, role).patch(
        f"/api/v1/calls/{call.slug}/", {"title": "Changed"}, format="json"
    )
    assert response.status_code == EDIT[state][role]
    call.refresh_from_db()
    assert (call.title == "Changed") == (EDIT[state][role] == 200)
    page = _page(world, role).get(f"/calls/{call.slug}/edit/")
    expected_page = {401: 302}.get(EDIT[state][role], EDIT[state][role])
    assert page.status_code == expected_page


@pytest.mark.parametrize("role", ROLES)
def test_submit(world, role):
    call = world.calls["draft"]
    response = _api(world, role).post(f"/api/v1/calls/{call.slug}/submit/")
    assert response.status_code == SUBMIT[role]
    call.refresh_from_db()
    assert (call.status == "needs_review") == (SUBMIT[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_publish(world, role):
    call = world.calls["pending"]
    response = _api(world, role).post(f"/api/v1/calls/{call.slug}/publish/")
    assert response.status_code == PUBLISH[role]
    call.refresh_from_db()
    assert (call.status == "published") == (PUBLISH[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_reject(world, role):
    call = world.calls["published"]
    response = _api(world, role).post(
        f"/api/v1/calls/{call.slug}/reject/", {"reason": "Spam"}, format="json"
    )
    assert response.status_code == REJECT[role]
    call.refresh_from_db()
    assert (call.status == "rejected") == (REJECT[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_moderation_queue_is_staff_only(world, role):
    response = _api(world, role).get("/api/v1/calls/moderation/")
    assert response.status_code == (200 if role == "staff" else 404)
    if role == "staff":
        assert [c["slug"] for c in response.json()["results"]] == [world.calls["pending"].slug]
    page = _page(world, role).get("/moderation/?kind=news")
    assert page.status_code == (200 if role == "staff" else 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", sorted(FOLLOW))
def test_follow(world, role, state):
    call = world.calls[state]
    response = _api(world, role).post(f"/api/v1/calls/{call.slug}/follow/")
    assert response.status_code == FOLLOW[state][role]
    followed = CallFollow.objects.filter(call=call).exists()
    assert followed == (FOLLOW[state][role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_tag_and_untag(world, role):
    call = world.calls["published"]
    response = _api(world, role).post(
        f"/api/v1/calls/{call.slug}/listings/", {"listing": world.listing.pk}, format="json"
    )
    assert response.status_code == TAG[role]
    assert CallListing.objects.filter(call=call).exists() == (TAG[role] == 201)
    CallListing.objects.get_or_create(
        call=call, listing=world.listing, defaults={"tagged_by": world.people["author"]}
    )
    response = _api(world, role).delete(f"/api/v1/calls/{call.slug}/listings/{world.listing.pk}/")
    assert response.status_code == UNTAG[role]
    assert CallListing.objects.filter(call=call).exists() == (UNTAG[role] != 204)


def test_a_hidden_listing_cannot_be_tagged_and_does_not_leak(world):
    world.other_listing.status = "closed"
    world.other_listing.save()
    response = _api(world, "author").post(
        f"/api/v1/calls/{world.calls['published'].slug}/listings/",
        {"listing": world.other_listing.pk},
        format="json",
    )
    assert response.status_code == 404


# Deleting: the author (while a member of the call's organisation, any status), staff (any
# call). A member of the organisation sees the call but may not delete it (403); an outsider
# does not see an unpublished one (404). Pages: 302 to the login for the anonymous.
DELETE = {
    "draft": {"anonymous": 401, "author": 204, "member": 403, "other": 404, "staff": 204},
    "published": {"anonymous": 401, "author": 204, "member": 403, "other": 403, "staff": 204},
}
PAGE_STATUS = {401: 302, 204: 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", sorted(DELETE))
def test_delete_through_the_api(world, role, state):
    call = world.calls[state]
    response = _api(world, role).delete(f"/api/v1/calls/{call.slug}/")
    assert response.status_code == DELETE[state][role], response.content
    assert Call.objects.filter(pk=call.pk).exists() == (DELETE[state][role] != 204)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", sorted(DELETE))
def test_the_delete_page_and_its_post(world, role, state):
    call = world.calls[state]
    expected = DELETE[state][role]
    client = _page(world, role)
    page = client.get(f"/calls/{call.slug}/delete/")
    assert page.status_code == PAGE_STATUS.get(expected, expected)
    if expected == 401:
        assert page["Location"].startswith("/account/login/")
    detail = client.get(f"/calls/{call.slug}/").content.decode()
    assert (f'href="/calls/{call.slug}/delete/"' in detail) == (expected == 204)

    response = client.post(f"/calls/{call.slug}/delete/")
    if expected == 204:
        assert response.status_code == 302
        assert response["Location"] == "/calls/"
    else:
        assert response.status_code == PAGE_STATUS.get(expected, expected)
    assert Call.objects.filter(pk=call.pk).exists() == (expected != 204)


def test_an_admin_of_the_calls_organisation_may_not_delete_a_colleagues_call(world):
    """Admins do not edit a colleague's call, so they do not delete it either."""
    from tests.factories import MembershipFactory

    admin = MembershipFactory(organisation=world.organisation, role="admin").user
    call = world.calls["draft"]
    client = APIClient()
    client.force_authenticate(admin)
    assert client.delete(f"/api/v1/calls/{call.slug}/").status_code == 403
    page = Client()
    page.force_login(admin)
    assert page.post(f"/calls/{call.slug}/delete/").status_code == 403
    assert Call.objects.filter(pk=call.pk).exists()


def test_an_author_who_left_the_organisation_may_not_delete(world):
    call = world.calls["published"]
    world.people["author"].memberships.all().delete()
    response = _api(world, "author").delete(f"/api/v1/calls/{call.slug}/")
    assert response.status_code == 403
    assert Call.objects.filter(pk=call.pk).exists()


def test_deleting_twice_finds_nothing_the_second_time(world):
    call = world.calls["published"]
    api = _api(world, "author")
    assert api.delete(f"/api/v1/calls/{call.slug}/").status_code == 204
    second = api.delete(f"/api/v1/calls/{call.slug}/")
    assert second.status_code == 404
    assert second.json()["error"]["code"] == "not_found"
    page = _page(world, "staff")
    assert page.get(f"/calls/{call.slug}/delete/").status_code == 404
    assert page.post(f"/calls/{call.slug}/delete/").status_code == 404


def test_the_delete_page_refuses_other_methods(world):
    call = world.calls["draft"]
    client = _page(world, "author")
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(f"/calls/{call.slug}/delete/").status_code == 405
    # The API's list has no DELETE; a call has no PUT.
    api = _api(world, "staff")
    assert api.delete("/api/v1/calls/").status_code == 405
    assert api.put(f"/api/v1/calls/{call.slug}/", {}, format="json").status_code == 405
    assert Call.objects.filter(pk=call.pk).exists()


def test_a_reason_longer_than_the_log_keeps_is_refused(world):
    call = world.calls["published"]
    response = _api(world, "staff").delete(
        f"/api/v1/calls/{call.slug}/?reason={'x' * (REASON_MAX_LENGTH + 1)}"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert Call.objects.filter(pk=call.pk).exists()
