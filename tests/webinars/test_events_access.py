"""Who may do what on every event page and endpoint: a matrix over the `room` fixture's roles.

Expected outcomes are listed per role; anything else (in particular an unexpected allow)
fails. Hidden things answer 404.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from community.models import ModerationStatus
from tests.factories import EventFactory

ROLES = [
    "visitor",
    "outsider",
    "attendee",
    "waitlisted",
    "pending",
    "organiser",
    "host",
    "staff",
]
MANAGERS = {"organiser", "staff"}


def _who(room, role):
    return None if role == "visitor" else getattr(room, role)


def _page_client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api_client(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_pages_of_a_published_event(room, role):
    event = room.event
    client = _page_client(_who(room, role))
    base = f"/events/{event.slug}/"
    assert client.get("/events/").status_code == 200
    assert client.get("/events/calendar/").status_code == 200
    assert client.get(base).status_code == 200
    manage = role in MANAGERS
    signed_out = role == "visitor"
    for path in ("edit/", "cancel/", "registrations/", "registrations.csv"):
        code = client.get(base + path).status_code
        if signed_out:
            assert code == 302, path  # to the login page
        else:
            assert code == (200 if manage else 404), (role, path)
    create = client.get("/events/new/").status_code
    assert create == (302 if signed_out else 200 if manage else 403)


@pytest.mark.parametrize("role", ROLES)
def test_pages_of_a_draft_event_are_hidden_from_all_but_organisers(room, role):
    draft = EventFactory(
        organiser_organisation=room.event.organiser_organisation, status=ModerationStatus.DRAFT
    )
    client = _page_client(_who(room, role))
    expected = 200 if role in MANAGERS else 404
    assert client.get(f"/events/{draft.slug}/").status_code == expected
    api = _api_client(_who(room, role))
    assert api.get(f"/api/v1/events/{draft.pk}/").status_code == expected
    listed = [e["id"] for e in api.get("/api/v1/events/?date_from=2000-01-01").json()["results"]]
    assert (draft.pk in listed) == (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_api_endpoints_of_a_published_event(room, role):
    event = room.event
    api = _api_client(_who(room, role))
    base = f"/api/v1/events/{event.pk}/"
    assert api.get("/api/v1/events/").status_code == 200
    assert api.get(base).status_code == 200
    manage = role in MANAGERS
    signed_out = role == "visitor"
    denied = 401 if signed_out else 404
    assert api.patch(base, {"title": "New"}, format="json").status_code == (
        200 if manage else denied
    )
    assert api.get(base + "registrations/").status_code == (200 if manage else denied)
    assert api.get(base + "registrations/export/").status_code == (200 if manage else denied)
    registration = event.registrations.get(user=room.pending)
    decide = api.post(
        f"{base}registrations/{registration.pk}/", {"decision": "approve"}, format="json"
    )
    assert decide.status_code == (200 if manage else denied)
    assert api.post(base + "submit/").status_code == (400 if manage else denied)
    assert api.post(base + "publish/").status_code == (
        400 if role == "staff" else denied
    )  # already published
    cancel = api.post(base + "cancel/", {"reason": "Storm"}, format="json")
    assert cancel.status_code == (200 if manage else denied)
    event.refresh_from_db()
    assert event.is_cancelled == manage


@pytest.mark.parametrize("role", ROLES)
def test_registering_by_role(room, role):
    event = room.event
    event.ends_at = event.ends_at.replace(year=event.ends_at.year + 1)
    event.save()
    api = _api_client(_who(room, role))
    url = f"/api/v1/events/{event.pk}/registration/"
    response = api.post(url)
    expected = {
        "visitor": 401,
        "attendee": 200,
        "waitlisted": 200,
        "pending": 200,
    }.get(role, 201)
    assert response.status_code == expected
    if role != "visitor":
        assert api.delete(url).status_code == 204
        assert api.delete(url).status_code == 400
