"""The organiser's setup through the REST API: the rules, generating slots in the event's
time zone (never overlapping, inside the event, around breaks), deleting only unused slots;
and the gates: every organiser endpoint answers 404 to anyone who does not organise the
event (or when the event is no matchmaking event)."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from matchmaking.models import MatchmakingSetup, MeetingSlot, ScheduleDraft
from tests.factories import EventFactory, MembershipFactory, StaffFactory, UserFactory
from tests.matchmaking.sched_support import DAY, START, ask, matchmaking_world, meet, participant

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def world(ecosystems):
    return matchmaking_world(slots=0)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(world, what: str) -> str:
    return f"/api/v1/matchmaking/events/{world.event.slug}/{what}/"


def test_the_organiser_sets_the_rules_and_sessions(world):
    client = _client(world.organiser)
    assert client.get(_url(world, "setup")).json() == {
        "meeting_cap": 12,
        "request_ttl_hours": 48,
        "requests_open": True,
        "sessions": [],
    }
    session = EventFactory(
        kind="seminar",
        starts_at=START + dt.timedelta(hours=1),
        ends_at=START + dt.timedelta(hours=2),
    )
    response = client.put(
        _url(world, "setup"),
        {"meeting_cap": 6, "requests_open": False, "sessions": [session.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    setup = MatchmakingSetup.objects.get(event=world.event)
    assert (setup.meeting_cap, setup.request_ttl_hours, setup.requests_open) == (6, 48, False)
    assert list(setup.sessions.all()) == [session]
    # The event itself is not one of its sessions; a cap of 0 is refused.
    itself = client.put(_url(world, "setup"), {"sessions": [world.event.pk]}, format="json")
    assert itself.status_code == 400
    assert "sessions" in itself.json()["error"]["fields"]
    assert client.put(_url(world, "setup"), {"meeting_cap": 0}, format="json").status_code == 400
    # An event at another time cannot clash with a meeting: not a session.
    elsewhere = EventFactory(kind="seminar")
    later = client.put(_url(world, "setup"), {"sessions": [elsewhere.pk]}, format="json")
    assert later.status_code == 400
    assert list(MatchmakingSetup.objects.get(event=world.event).sessions.all()) == [session]


def test_a_draft_event_of_someone_else_cannot_be_made_a_session(world):
    hidden = EventFactory(
        kind="seminar", status="draft", starts_at=START, ends_at=START + dt.timedelta(hours=1)
    )
    response = _client(world.organiser).put(
        _url(world, "setup"), {"sessions": [hidden.pk]}, format="json"
    )
    assert response.status_code == 400
    assert not MatchmakingSetup.objects.filter(event=world.event).exists()


def test_slots_are_generated_in_the_event_time_zone_around_breaks(world):
    # The event runs 08:00-18:00 UTC; Brussels is UTC+1 in December.
    client = _client(world.organiser)
    body = {
        "day": DAY.isoformat(),
        "starts": "10:00",
        "ends": "12:00",
        "length_minutes": 20,
        "gap_minutes": 10,
        "breaks": [{"starts": "10:45", "ends": "11:15"}],
    }
    response = client.post(_url(world, "slots"), body, format="json")
    assert response.status_code == 201, response.json()
    local = [
        (
            s.starts_at.astimezone(BRUSSELS).strftime("%H:%M"),
            s.ends_at.astimezone(BRUSSELS).strftime("%H:%M"),
        )
        for s in MeetingSlot.objects.filter(event=world.event)
    ]
    # 10:00; 10:30-10:50 runs into the break, so 11:15; 11:45-12:05 would end too late.
    assert local == [("10:00", "10:20"), ("11:15", "11:35")]
    assert response.json()["skipped"] == 0
    # The same plan again adds nothing: every slot would overlap one that is there.
    again = client.post(_url(world, "slots"), body, format="json")
    assert again.status_code == 201
    assert again.json() == {"created": [], "skipped": 2}
    # A plan overlapping existing slots only fills the gaps, never overlaps.
    shifted = client.post(
        _url(world, "slots"),
        {**body, "starts": "10:10", "ends": "11:10", "breaks": []},
        format="json",
    )
    assert shifted.json()["skipped"] == 1
    slots = list(MeetingSlot.objects.filter(event=world.event).order_by("starts_at"))
    for before, after in itertools.pairwise(slots):
        assert before.ends_at <= after.starts_at
    listed = client.get(_url(world, "slots")).json()
    assert [s["id"] for s in listed] == [s.pk for s in slots]


def test_slots_outside_the_event_or_of_no_length_are_refused(world):
    client = _client(world.organiser)
    base = {"day": DAY.isoformat(), "length_minutes": 20}
    # 08:00 Brussels is 07:00 UTC, before the event starts at 08:00 UTC.
    early = client.post(
        _url(world, "slots"), {**base, "starts": "08:00", "ends": "10:00"}, format="json"
    )
    assert early.status_code == 400
    backwards = client.post(
        _url(world, "slots"), {**base, "starts": "11:00", "ends": "10:00"}, format="json"
    )
    assert backwards.status_code == 400
    too_short = client.post(
        _url(world, "slots"), {**base, "starts": "10:00", "ends": "10:10"}, format="json"
    )
    assert too_short.status_code == 400
    assert not MeetingSlot.objects.filter(event=world.event).exists()


def test_a_slot_is_deleted_only_when_no_meeting_or_pending_request_uses_it(world):
    event = world.event
    free, met, held = (
        MeetingSlot.objects.create(
            event=event,
            starts_at=START + dt.timedelta(minutes=30 * i),
            ends_at=START + dt.timedelta(minutes=30 * i + 20),
        )
        for i in range(3)
    )
    a, b, c = participant(event), participant(event), participant(event)
    meet(a, b, met)
    ask(a, c, held)
    client = _client(world.organiser)
    listed = {s["id"]: s["in_use"] for s in client.get(_url(world, "slots")).json()}
    assert listed == {free.pk: False, met.pk: True, held.pk: True}
    for used in (met, held):
        refused = client.delete(_url(world, "slots"), {"slots": [free.pk, used.pk]}, format="json")
        assert refused.status_code == 400
        assert MeetingSlot.objects.filter(pk=free.pk).exists()  # all or none
    assert (
        client.delete(_url(world, "slots"), {"slots": [free.pk]}, format="json").status_code == 204
    )
    assert not MeetingSlot.objects.filter(pk=free.pk).exists()
    other = matchmaking_world(slots=1)
    foreign = client.delete(_url(world, "slots"), {"slots": [other.slots[0].pk]}, format="json")
    assert foreign.status_code == 400


ENDPOINTS = [
    ("get", "setup", None),
    ("put", "setup", {"meeting_cap": 3}),
    ("get", "slots", None),
    (
        "post",
        "slots",
        {"day": "2030-01-01", "starts": "10:00", "ends": "11:00", "length_minutes": 20},
    ),
    ("delete", "slots", {"slots": [1]}),
    ("get", "dashboard", None),
    ("get", "drafts", None),
    ("post", "drafts", {}),
]


@pytest.mark.parametrize("who", ["outsider", "member", "other_admin", "participant"])
def test_who_does_not_organise_the_event_gets_404_everywhere(world, who):
    event = world.event
    draft = ScheduleDraft.objects.create(event=event, created_by=world.organiser)
    if who == "outsider":
        user = UserFactory()
    elif who == "member":  # a plain member of the organising organisation
        user = MembershipFactory(organisation=event.organiser_organisation).user
    elif who == "other_admin":
        user = MembershipFactory(role="admin").user
    else:
        user = participant(event).user
    client = _client(user)
    for method, what, body in ENDPOINTS:
        response = getattr(client, method)(_url(world, what), body, format="json")
        assert response.status_code == 404, (method, what)
    for suffix in ("", "apply/", "discard/"):
        method = client.get if not suffix else client.post
        assert method(f"/api/v1/matchmaking/drafts/{draft.pk}/{suffix}").status_code == 404
    assert not MatchmakingSetup.objects.exists()
    assert not ScheduleDraft.objects.exclude(pk=draft.pk).exists()


@pytest.mark.parametrize("who", ["admin", "editor", "staff"])
def test_organisers_and_staff_get_in_but_not_for_an_event_that_is_no_matchmaking_event(world, who):
    if who == "staff":
        user = StaffFactory()
    else:
        user = MembershipFactory(organisation=world.event.organiser_organisation, role=who).user
    client = _client(user)
    assert client.get(_url(world, "setup")).status_code == 200
    assert client.get(_url(world, "dashboard")).status_code == 200
    webinar = EventFactory(
        kind="webinar", organiser_organisation=world.event.organiser_organisation
    )
    assert client.get(f"/api/v1/matchmaking/events/{webinar.slug}/setup/").status_code == 404


def test_visitors_are_asked_to_log_in(world):
    assert APIClient().get(_url(world, "setup")).status_code in (401, 403)
