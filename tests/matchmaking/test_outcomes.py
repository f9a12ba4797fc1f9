"""The one-click outcome of a meeting: either person, from the slot's start, changeable for
7 days after it (matchmaking/services/outcomes.py, REST and the meeting page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.matchmaking.agenda_world import World, book_meeting, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _ago(minutes: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


def _post(api_client, meeting, body):
    return api_client.post(
        f"/api/v1/matchmaking/meetings/{meeting.pk}/outcome/", body, format="json"
    )


def test_either_person_reports_and_the_last_report_counts(world: World, api_client):
    meeting = book_meeting(world, _ago(60))
    api_client.force_authenticate(world.anna)
    response = _post(api_client, meeting, {"outcome": "held", "follow_up_planned": True})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["outcome"], body["follow_up_planned"], body["outcome_open"]) == (
        "held",
        True,
        True,
    )
    api_client.force_authenticate(world.marc)
    response = _post(api_client, meeting, {"outcome": "no_show", "follow_up_planned": True})
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.outcome == "no_show"
    assert meeting.follow_up_planned is None  # no follow-up of a meeting that did not happen
    assert meeting.outcome_by == world.participant(world.marc)


@pytest.mark.parametrize("who", ["outsider", "organiser", "staff"])
def test_nobody_else_reports(world: World, api_client, who):
    meeting = book_meeting(world, _ago(60))
    api_client.force_authenticate(getattr(world, who))
    assert _post(api_client, meeting, {"outcome": "held"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.outcome == ""


@pytest.mark.parametrize(
    ("started_ago_minutes", "allowed"),
    [
        (-30, False),  # not started yet
        (1, True),  # started a minute ago
        (7 * 24 * 60, True),  # ended (20 min slot) 7 days minus 20 minutes ago
        (7 * 24 * 60 + 25, False),  # ended more than 7 days ago
    ],
)
def test_when_the_outcome_may_be_reported(world: World, api_client, started_ago_minutes, allowed):
    meeting = book_meeting(world, _ago(started_ago_minutes))
    api_client.force_authenticate(world.anna)
    response = _post(api_client, meeting, {"outcome": "held", "follow_up_planned": False})
    assert response.status_code == (200 if allowed else 400)
    if not allowed:
        assert response.json()["error"]["message"]
        meeting.refresh_from_db()
        assert meeting.outcome == ""


def test_a_cancelled_meeting_has_no_outcome(world: World, api_client):
    meeting = book_meeting(world, _ago(60))
    meeting.status = "cancelled"
    meeting.save()
    api_client.force_authenticate(world.anna)
    assert _post(api_client, meeting, {"outcome": "held"}).status_code == 400
    assert _post(api_client, meeting, {"outcome": "maybe"}).status_code == 400


def test_the_meeting_page_takes_the_outcome_in_one_click(world: World, client):
    meeting = book_meeting(world, _ago(60))
    client.force_login(world.marc)
    response = client.post(
        f"/matchmaking/meetings/{meeting.pk}/", {"outcome": "held", "follow_up": "yes"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.follow_up_planned) == ("held", True)
    page = client.get(f"/matchmaking/meetings/{meeting.pk}/").content.decode()
    assert "Reported: Held." in page
