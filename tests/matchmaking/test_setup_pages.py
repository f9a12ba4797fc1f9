"""The organiser's pages: dashboard, setup (rules, slots, deleting), a draft to review and
apply; 404 for anyone who does not organise the event."""

from __future__ import annotations

import pytest
from django.test import Client

from matchmaking.models import MatchmakingSetup, Meeting, MeetingSlot, ScheduleDraft
from tests.factories import MembershipFactory, UserFactory
from tests.matchmaking.sched_support import DAY, ask, matchmaking_world, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ecosystems):
    return matchmaking_world(slots=2)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_organiser_sets_rules_adds_and_deletes_slots(world):
    client = _client(world.organiser)
    url = f"/matchmaking/{world.event.slug}/organiser/setup/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Rules and meeting slots" in page.content.decode()
    saved = client.post(
        url, {"action": "setup", "meeting_cap": 5, "request_ttl_hours": 24}, follow=True
    )
    assert "The rules are saved." in saved.content.decode()
    setup = MatchmakingSetup.objects.get(event=world.event)
    assert (setup.meeting_cap, setup.request_ttl_hours, setup.requests_open) == (5, 24, False)
    added = client.post(
        url,
        {
            "action": "slots",
            "day": DAY.isoformat(),
            "starts": "14:00",
            "ends": "15:00",
            "length_minutes": 25,
            "gap_minutes": 5,
        },
        follow=True,
    )
    assert "2 slots added." in added.content.decode()
    assert MeetingSlot.objects.filter(event=world.event).count() == 4
    outside = client.post(
        url,
        {
            "action": "slots",
            "day": DAY.isoformat(),
            "starts": "06:00",
            "ends": "07:00",
            "length_minutes": 20,
            "gap_minutes": 0,
        },
    )
    assert outside.status_code == 200
    assert "inside the event" in outside.content.decode()
    first = world.slots[0]
    deleted = client.post(url, {"action": "delete", "slot": [first.pk]}, follow=True)
    assert "1 slot deleted." in deleted.content.decode()
    assert not MeetingSlot.objects.filter(pk=first.pk).exists()


def test_run_review_and_apply_a_draft_on_the_pages(world):
    event = world.event
    a, b = participant(event), participant(event)
    ask(a, b), ask(b, a)
    client = _client(world.organiser)
    dashboard = client.get(f"/matchmaking/{event.slug}/organiser/")
    assert dashboard.status_code == 200
    assert "Run the auto-scheduler" in dashboard.content.decode()
    run = client.post(f"/matchmaking/{event.slug}/organiser/")
    draft = ScheduleDraft.objects.get(event=event)
    assert run.status_code == 302
    assert run["Location"] == f"/matchmaking/{event.slug}/organiser/drafts/{draft.pk}/"
    review = client.get(run["Location"])
    assert a.user.display_name in review.content.decode()
    applied = client.post(run["Location"], {"action": "apply"}, follow=True)
    assert "1 meeting booked." in applied.content.decode()
    assert Meeting.objects.filter(event=event).count() == 1
    after = client.get(f"/matchmaking/{event.slug}/organiser/").content.decode()
    assert "1 of 1 pair placed" in after
    assert "Applied" in after


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_pages_are_404_to_whoever_does_not_organise(world, who):
    event = world.event
    draft = ScheduleDraft.objects.create(event=event)
    user = (
        UserFactory()
        if who == "outsider"
        else MembershipFactory(organisation=event.organiser_organisation).user
    )
    client = _client(user)
    for url in (
        f"/matchmaking/{event.slug}/organiser/",
        f"/matchmaking/{event.slug}/organiser/setup/",
        f"/matchmaking/{event.slug}/organiser/drafts/{draft.pk}/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "apply"}).status_code == 404
    assert ScheduleDraft.objects.count() == 1
