"""The auto-scheduler through the REST API: run a draft, review it, apply or discard it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from matchmaking.models import Meeting, MeetingRequest, RequestStatus
from tests.matchmaking.sched_support import ask, matchmaking_world, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ecosystems):
    return matchmaking_world(slots=2)


@pytest.fixture
def client(world):
    client = APIClient()
    client.force_authenticate(world.organiser)
    return client


def test_run_review_and_apply_a_draft(world, client):
    event, (s0, s1) = world.event, world.slots
    a, b, c = (participant(event) for _ in range(3))
    ab, _ = ask(a, b), ask(b, a)
    ac, _ = ask(a, c), ask(c, a)
    ask(b, c)  # one way: not scheduled

    run = client.post(
        f"/api/v1/matchmaking/events/{event.slug}/drafts/", {"time_limit": 5}, format="json"
    )
    assert run.status_code == 201, run.json()
    draft = run.json()
    assert draft["status"] == "draft"
    assert draft["figures"]["pairs_considered"] == 2
    assert draft["figures"]["pairs_placed"] == 2
    assert {(p["request"], p["slot"]) for p in draft["placements"]} == {
        (ab.pk, s0.pk),
        (ac.pk, s1.pk),
    }
    assert not Meeting.objects.exists()  # a draft changes nothing

    listed = client.get(f"/api/v1/matchmaking/events/{event.slug}/drafts/").json()
    assert [d["id"] for d in listed] == [draft["id"]]
    detail = client.get(f"/api/v1/matchmaking/drafts/{draft['id']}/").json()
    assert detail["placements"] == draft["placements"]

    applied = client.post(f"/api/v1/matchmaking/drafts/{draft['id']}/apply/")
    assert applied.status_code == 200
    assert applied.json()["status"] == "applied"
    assert applied.json()["figures"]["applied"] == 2
    assert set(Meeting.objects.values_list("request_id", "slot_id")) == {
        (ab.pk, s0.pk),
        (ac.pk, s1.pk),
    }
    assert MeetingRequest.objects.filter(status=RequestStatus.ACCEPTED).count() == 4
    again = client.post(f"/api/v1/matchmaking/drafts/{draft['id']}/apply/")
    assert again.status_code == 400
    assert Meeting.objects.count() == 2


def test_discard_a_draft(world, client):
    event = world.event
    a, b = participant(event), participant(event)
    ask(a, b), ask(b, a)
    draft = client.post(f"/api/v1/matchmaking/events/{event.slug}/drafts/", {}, format="json")
    draft_id = draft.json()["id"]
    discarded = client.post(f"/api/v1/matchmaking/drafts/{draft_id}/discard/")
    assert discarded.status_code == 200
    assert discarded.json()["status"] == "discarded"
    assert client.post(f"/api/v1/matchmaking/drafts/{draft_id}/apply/").status_code == 400
    assert not Meeting.objects.exists()
    assert client.get("/api/v1/matchmaking/drafts/999999/").status_code == 404
