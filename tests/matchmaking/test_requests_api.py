"""The requests and meetings REST API: shapes of the answers, the errors, and the schema."""

from __future__ import annotations

import pytest

from matchmaking.models import Meeting, MeetingRequest, NoThanks, RequestStatus
from tests.factories import EventFactory, UserFactory
from tests.matchmaking.meet_support import make_world

pytestmark = pytest.mark.django_db

API = "/api/v1/matchmaking"


@pytest.fixture
def world(ecosystems):
    return make_world()


def _as(api_client, participant):
    api_client.force_authenticate(participant.user)
    return api_client


def _create(api_client, world, a, b, slots=(0, 1), message="Shall we talk hydrogen?"):
    return _as(api_client, a).post(
        f"{API}/events/{world.event.slug}/requests/",
        {"recipient": b.pk, "slots": [world.slots[i].pk for i in slots], "message": message},
        format="json",
    )


def test_create_list_and_read_a_request(api_client, world):
    a, b, _c = world.people
    response = _create(api_client, world, a, b)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert body["requester"]["id"] == a.pk
    assert body["recipient"]["id"] == b.pk
    assert [s["id"] for s in body["slots"]] == [world.slots[0].pk, world.slots[1].pk]
    assert {s["proposed_by"] for s in body["slots"]} == {a.pk}
    assert body["my_role"] == "requester"
    assert body["meeting"] is None
    assert body["event"]["slug"] == world.event.slug
    listed = _as(api_client, b).get(f"{API}/events/{world.event.slug}/requests/").json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    assert listed["results"][0]["my_role"] == "recipient"
    none = _as(api_client, b).get(f"{API}/events/{world.event.slug}/requests/?status=accepted")
    assert none.json()["results"] == []
    detail = _as(api_client, b).get(f"{API}/requests/{body['id']}/")
    assert detail.status_code == 200
    assert detail.json()["message"] == "Shall we talk hydrogen?"


def test_accept_answers_the_meeting_then_it_can_be_cancelled(api_client, world):
    a, b, _c = world.people
    request_id = _create(api_client, world, a, b).json()["id"]
    response = _as(api_client, b).post(
        f"{API}/requests/{request_id}/accept/", {"slot": world.slots[1].pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    meeting = response.json()
    assert meeting["slot"]["id"] == world.slots[1].pk
    assert meeting["status"] == "confirmed"
    assert meeting["request"] == request_id
    assert (
        _as(api_client, a).get(f"{API}/requests/{request_id}/").json()["meeting"] == meeting["id"]
    )
    read = _as(api_client, a).get(f"{API}/meetings/{meeting['id']}/")
    assert read.status_code == 200
    assert read.json()["my_role"] == "requester"
    cancelled = _as(api_client, a).post(
        f"{API}/meetings/{meeting['id']}/cancel/", {"reason": "Sorry"}, format="json"
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_by"] == a.pk
    again = _as(api_client, a).post(f"{API}/meetings/{meeting['id']}/cancel/", {}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invalid"


def test_decline_propose_and_cancel(api_client, world):
    a, b, c = world.people
    request_id = _create(api_client, world, a, b, slots=(0,)).json()["id"]
    proposed = _as(api_client, b).post(
        f"{API}/requests/{request_id}/propose/", {"slot": world.slots[3].pk}, format="json"
    )
    assert proposed.status_code == 200
    assert {s["proposed_by"] for s in proposed.json()["slots"]} == {a.pk, b.pk}
    declined = _as(api_client, b).post(
        f"{API}/requests/{request_id}/decline/", {"reason": "Not my field"}, format="json"
    )
    assert declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "Not my field"
    other = _create(api_client, world, c, b, slots=(0,)).json()["id"]
    cancelled = _as(api_client, c).post(f"{API}/requests/{other}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


def test_refusals_answer_400_403_or_404_with_a_message(api_client, world):
    a, b, _c = world.people
    # Taken slot: 400 with the reason.
    _create(api_client, world, a, b, slots=(0,))
    c = world.people[2]
    taken = _create(api_client, world, c, b, slots=(0,))
    assert taken.status_code == 400
    assert "already has" in taken.json()["error"]["message"]
    # A slot of another event, or too many slots: 400 on the field.
    foreign = make_world(people=0)
    wrong = _as(api_client, c).post(
        f"{API}/events/{world.event.slug}/requests/",
        {"recipient": a.pk, "slots": [foreign.slots[0].pk]},
        format="json",
    )
    assert wrong.status_code == 400
    assert "slots" in wrong.json()["error"]["fields"]
    many = _create(api_client, world, c, a, slots=(1, 2, 3, 4))
    assert many.status_code == 400
    # Not a participant: 403; an unknown participant: 404.
    outsider = UserFactory()
    api_client.force_authenticate(outsider)
    response = api_client.post(
        f"{API}/events/{world.event.slug}/requests/",
        {"recipient": a.pk, "slots": [world.slots[5].pk]},
        format="json",
    )
    assert response.status_code == 403
    missing = _as(api_client, c).post(
        f"{API}/events/{world.event.slug}/requests/",
        {"recipient": 999999, "slots": [world.slots[5].pk]},
        format="json",
    )
    assert missing.status_code == 404
    # The requester accepting their own slot: 403.
    request_id = MeetingRequest.objects.get(requester=a).pk
    own = _as(api_client, a).post(
        f"{API}/requests/{request_id}/accept/", {"slot": world.slots[0].pk}, format="json"
    )
    assert own.status_code == 403
    # An event that is not a matchmaking event: 404 (one whose rules are not saved yet
    # works with the defaults).
    plain = EventFactory(kind="webinar")
    assert _as(api_client, a).get(f"{API}/events/{plain.slug}/requests/").status_code == 404
    unsaved = make_world(people=0)
    unsaved.setup.delete()
    assert _as(api_client, a).get(f"{API}/events/{unsaved.event.slug}/requests/").status_code == 200
    assert not Meeting.objects.exists()


def test_no_thanks(api_client, world):
    a, b, _c = world.people
    request_id = _create(api_client, world, b, a, slots=(0,)).json()["id"]
    response = _as(api_client, a).post(
        f"{API}/events/{world.event.slug}/no-thanks/", {"participant": b.pk}, format="json"
    )
    assert response.status_code == 204
    assert NoThanks.objects.filter(participant=a, other=b).exists()
    assert MeetingRequest.objects.get(pk=request_id).status == RequestStatus.DECLINED
    again = _create(api_client, world, b, a, slots=(1,))
    assert again.status_code == 400


def test_the_list_runs_a_fixed_number_of_queries(api_client, world, django_assert_max_num_queries):
    a = world.people[0]
    for i in range(4):
        other = world.people[1] if i == 0 else None
        if other is None:
            from tests.matchmaking.meet_support import add_participant

            other = add_participant(world)
        _create(api_client, world, a, other, slots=(i,))
    api_client.force_authenticate(a.user)
    with django_assert_max_num_queries(12):
        response = api_client.get(f"{API}/events/{world.event.slug}/requests/")
    assert len(response.json()["results"]) == 4


def test_the_schema_documents_every_endpoint_and_its_errors():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    expected = {
        "/api/v1/matchmaking/events/{slug}/requests/": {"get", "post"},
        "/api/v1/matchmaking/events/{slug}/no-thanks/": {"post"},
        "/api/v1/matchmaking/requests/{request_id}/": {"get"},
        "/api/v1/matchmaking/requests/{request_id}/accept/": {"post"},
        "/api/v1/matchmaking/requests/{request_id}/decline/": {"post"},
        "/api/v1/matchmaking/requests/{request_id}/propose/": {"post"},
        "/api/v1/matchmaking/requests/{request_id}/cancel/": {"post"},
        "/api/v1/matchmaking/meetings/{meeting_id}/": {"get"},
        "/api/v1/matchmaking/meetings/{meeting_id}/cancel/": {"post"},
    }
    for url, methods in expected.items():
        assert url in paths, url
        for method in methods:
            responses = paths[url][method]["responses"]
            assert {"401", "404"} <= set(responses), (url, method)
            if method == "post":
                assert {"400", "403"} <= set(responses), (url, method)
    # A request's status has its own set of values (not a meeting's: the component names
    # "MeetingRequest" and Meeting's request body would collide).
    components = schema["components"]["schemas"]
    status = components["MeetingRequestItem"]["properties"]["status"]["allOf"][0]["$ref"]
    assert set(components[status.rsplit("/", 1)[1]]["enum"]) == {
        "pending",
        "accepted",
        "declined",
        "cancelled",
        "expired",
    }
