"""Bad input the review found answered with a 500, now a 400 that names the field."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from matchmaking.models import MatchmakingSetup, MeetingRequest
from tests.matchmaking.meet_support import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ecosystems):
    return make_world()


def _as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_ids_out_of_range_are_refused_by_name(world):
    a, b, _c = world.people
    url = f"/api/v1/matchmaking/events/{world.event.slug}/requests/"
    huge = 10**30
    response = _as(a.user).post(url, {"recipient": b.pk, "slots": [huge]}, format="json")
    assert response.status_code == 400, response.content
    assert "slots" in response.json()["error"]["fields"]
    body = {"recipient": huge, "slots": [world.slots[0].pk]}
    response = _as(a.user).post(url, body, format="json")
    assert response.status_code == 400
    assert not MeetingRequest.objects.exists()


def test_the_rules_keep_their_bounds(world):
    url = f"/api/v1/matchmaking/events/{world.event.slug}/setup/"
    before = MatchmakingSetup.objects.get(event=world.event).request_ttl_hours
    for field, value in (("request_ttl_hours", 10**9), ("meeting_cap", 10**6)):
        response = _as(world.organiser).put(url, {field: value}, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()["error"]["fields"]
    assert MatchmakingSetup.objects.get(event=world.event).request_ttl_hours == before
