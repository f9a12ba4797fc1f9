"""Who may do what to requests and meetings, through the REST API: every role against every
action, with no unexpected allow.

Roles: anonymous; a stranger (signed in, not taking part); another participant of the event;
the requester; the recipient; the event's organiser; staff. A request or meeting is seen by
its two people and, read-only, by the organisers (staff included, through
`event_can_manage`); everyone else gets 404. Each move belongs to one side (accept: the side
that did not propose the slot; decline, propose: the recipient; cancel: the requester;
cancel a meeting: either of the two).
"""

from __future__ import annotations

import pytest

from matchmaking.models import Meeting, MeetingRequest, MeetingStatus, NoThanks, RequestStatus
from matchmaking.services.requests import request_accept, request_create, request_propose
from tests.factories import StaffFactory, UserFactory
from tests.matchmaking.meet_support import make_world

pytestmark = pytest.mark.django_db

API = "/api/v1/matchmaking"
ROLES = ["anonymous", "stranger", "participant", "requester", "recipient", "organiser", "staff"]
DENIED_ANON = {401, 403}

# action -> {role: expected status}; a role not listed gets 404 (or 401/403 anonymous).
MATRIX: dict[str, dict[str, int]] = {
    "request.get": {"requester": 200, "recipient": 200, "organiser": 200, "staff": 200},
    "request.accept_requesters_slot": {
        "requester": 403,
        "recipient": 201,
        "organiser": 403,
        "staff": 403,
    },
    "request.accept_recipients_slot": {
        "requester": 201,
        "recipient": 403,
        "organiser": 403,
        "staff": 403,
    },
    "request.decline": {"requester": 403, "recipient": 200, "organiser": 403, "staff": 403},
    "request.propose": {"requester": 403, "recipient": 200, "organiser": 403, "staff": 403},
    "request.cancel": {"requester": 200, "recipient": 403, "organiser": 403, "staff": 403},
    "meeting.get": {"requester": 200, "recipient": 200, "organiser": 200, "staff": 200},
    "meeting.cancel": {"requester": 200, "recipient": 200, "organiser": 403, "staff": 403},
    # Event-level endpoints: the event is public, so nobody gets 404 for it.
    "event.list": {
        "stranger": 200,
        "participant": 200,
        "requester": 200,
        "recipient": 200,
        "organiser": 200,
        "staff": 200,
    },
    "event.create": {
        "stranger": 403,
        "participant": 201,
        "requester": 201,
        "recipient": 201,
        "organiser": 403,
        "staff": 403,
    },
    "event.no_thanks": {
        "stranger": 403,
        "participant": 204,
        "requester": 204,
        "recipient": 204,
        "organiser": 403,
        "staff": 403,
    },
}


@pytest.fixture
def scene(ecosystems):
    world = make_world(people=4)
    a, b, c, d = world.people
    # An accepted request (the meeting) and a pending one, both from a to b; b proposed a slot.
    done = request_create(requester=a, recipient=b, slots=[world.slots[3]])
    meeting = request_accept(request=done, slot=world.slots[3], by=b)
    pending = request_create(requester=a, recipient=b, slots=[world.slots[0]])
    request_propose(request=pending, slot=world.slots[1], by=b)
    users = {
        "anonymous": None,
        "stranger": UserFactory(),
        "participant": c.user,
        "requester": a.user,
        "recipient": b.user,
        "organiser": world.organiser,
        "staff": StaffFactory(),
    }
    return world, users, pending, meeting, d


def _call(client, action, world, pending, meeting, target, role):
    slots = world.slots
    slug = world.event.slug
    if action == "request.get":
        return client.get(f"{API}/requests/{pending.pk}/")
    if action == "request.accept_requesters_slot":
        return client.post(f"{API}/requests/{pending.pk}/accept/", {"slot": slots[0].pk})
    if action == "request.accept_recipients_slot":
        return client.post(f"{API}/requests/{pending.pk}/accept/", {"slot": slots[1].pk})
    if action == "request.decline":
        return client.post(f"{API}/requests/{pending.pk}/decline/", {"reason": "no"})
    if action == "request.propose":
        return client.post(f"{API}/requests/{pending.pk}/propose/", {"slot": slots[2].pk})
    if action == "request.cancel":
        return client.post(f"{API}/requests/{pending.pk}/cancel/")
    if action == "meeting.get":
        return client.get(f"{API}/meetings/{meeting.pk}/")
    if action == "meeting.cancel":
        return client.post(f"{API}/meetings/{meeting.pk}/cancel/", {"reason": "no"})
    if action == "event.list":
        return client.get(f"{API}/events/{slug}/requests/")
    if action == "event.create":
        return client.post(
            f"{API}/events/{slug}/requests/", {"recipient": target.pk, "slots": [slots[5].pk]}
        )
    if action == "event.no_thanks":
        return client.post(f"{API}/events/{slug}/no-thanks/", {"participant": target.pk})
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_access(api_client, scene, action, role):
    world, users, pending, meeting, target = scene
    if users[role] is not None:
        api_client.force_authenticate(users[role])
    response = _call(api_client, action, world, pending, meeting, target, role)
    expected = MATRIX[action].get(role)
    if role == "anonymous":
        assert response.status_code in DENIED_ANON, response.content
    else:
        assert response.status_code == (expected or 404), response.content
    allowed = response.status_code < 300
    # Nothing changed unless the move was allowed.
    pending.refresh_from_db()
    meeting.refresh_from_db()
    changes_request = action.startswith("request.") and action != "request.get"
    if not (allowed and changes_request):
        expected_status = RequestStatus.PENDING
        assert pending.status == expected_status
        assert pending.slots.count() == 2
    if not (allowed and action == "meeting.cancel"):
        assert meeting.status == MeetingStatus.CONFIRMED
    if not allowed:
        assert Meeting.objects.count() == 1
        assert MeetingRequest.objects.count() == 2
        assert not NoThanks.objects.exists()


@pytest.mark.parametrize("role", ["stranger", "participant", "organiser", "staff"])
def test_the_list_shows_only_ones_own_requests(api_client, scene, role):
    _world, users, _pending, _meeting, _target = scene
    api_client.force_authenticate(users[role])
    response = api_client.get(f"{API}/events/{scene[0].event.slug}/requests/")
    assert response.json()["results"] == []


def test_the_two_people_see_both_requests_in_their_list(api_client, scene):
    world, users, _pending, _meeting, _target = scene
    for role in ("requester", "recipient"):
        api_client.force_authenticate(users[role])
        results = api_client.get(f"{API}/events/{world.event.slug}/requests/").json()["results"]
        assert len(results) == 2
