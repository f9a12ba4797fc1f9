"""A person's agenda (meetings and sessions in time order, in their zone beside the
event's) over REST and as a page, and meetings in the personal iCal feed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from matchmaking.models import MatchmakingSetup
from tests.factories import EventFactory, RegistrationFactory
from tests.matchmaking.agenda_world import World, book_meeting, world_fixture  # noqa: F401
from tests.webinars.test_ical import rfc5545_problems
from webinars.services.calendar import calendar_feed_get_or_create

pytestmark = pytest.mark.django_db

AGENDA = "/api/v1/matchmaking/events/matchmaking-days/agenda/"


def _at(hours: int) -> dt.datetime:
    base = timezone.now().replace(minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=2, hours=hours)


@pytest.fixture
def programme(world: World):
    """Anna: a meeting at +3 h, a session at +1 h she is registered for, one she is not."""
    setup = MatchmakingSetup.objects.create(event=world.event)
    keynote = EventFactory(title="Keynote", starts_at=_at(1), ends_at=_at(2))
    panel = EventFactory(title="Panel", starts_at=_at(5), ends_at=_at(6))
    setup.sessions.set([keynote, panel])
    RegistrationFactory(event=keynote, user=world.anna)
    meeting = book_meeting(world, _at(3))
    return meeting, keynote, panel


def test_the_agenda_lists_meetings_and_sessions_in_time_order(world: World, api_client, programme):
    meeting, keynote, _panel = programme
    api_client.force_authenticate(world.anna)
    response = api_client.get(AGENDA)
    assert response.status_code == 200
    body = response.json()
    assert body["time_zone"] == "Europe/Paris"
    assert [(i["kind"], i["title"]) for i in body["items"]] == [
        ("session", "Keynote"),
        ("meeting", "Meeting with Marc Weber"),
    ]
    assert body["items"][1]["meeting_id"] == meeting.pk
    assert body["items"][1]["url"] == f"/matchmaking/meetings/{meeting.pk}/"
    assert body["items"][0]["session_id"] == keynote.pk
    # Marc sees the same meeting, with Anna, and no session.
    api_client.force_authenticate(world.marc)
    items = api_client.get(AGENDA).json()["items"]
    assert [i["title"] for i in items] == ["Meeting with Anna Dupont"]


def test_a_cancelled_meeting_leaves_the_agenda(world: World, api_client, programme):
    meeting, _keynote, _panel = programme
    meeting.status = "cancelled"
    meeting.save()
    api_client.force_authenticate(world.marc)
    assert api_client.get(AGENDA).json()["items"] == []


@pytest.mark.parametrize("who", ["outsider", "organiser", "staff"])
def test_only_participants_have_an_agenda(world: World, api_client, client, who):
    api_client.force_authenticate(getattr(world, who))
    assert api_client.get(AGENDA).status_code == 404
    client.force_login(getattr(world, who))
    assert client.get("/matchmaking/matchmaking-days/agenda/").status_code == 404


def test_the_agenda_page_shows_my_zone_beside_the_events(world: World, client, programme):
    meeting, _keynote, _panel = programme
    from notifications.services import delivery_settings_for

    settings_row = delivery_settings_for(world.anna)
    settings_row.timezone = "America/New_York"
    settings_row.save()
    client.force_login(world.anna)
    page = client.get("/matchmaking/matchmaking-days/agenda/").content.decode()
    paris = meeting.slot.starts_at.astimezone(ZoneInfo("Europe/Paris"))
    new_york = meeting.slot.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert "Meeting with Marc Weber" in page
    dash = "\N{EN DASH}"
    assert f"{new_york:%H:%M}{dash}" in page
    assert f"({paris:%H:%M}{dash}" in page
    assert "Europe/Paris, the event" in page
    assert page.index("Keynote") < page.index("Meeting with Marc Weber")


def test_the_feed_holds_my_meetings_as_valid_icalendar(world: World, client, programme):
    meeting, _keynote, _panel = programme
    token = calendar_feed_get_or_create(user=world.anna).token
    raw = client.get(f"/events/feed/{token}.ics").content
    assert rfc5545_problems(raw) == []
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")}
    entry = events[f"meeting-{meeting.pk}@127.0.0.1"]
    assert str(entry["SUMMARY"]) == "Meeting with Marc Weber (Agri Nord)"
    assert entry["DTSTART"].dt == meeting.slot.starts_at
    assert entry["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert str(entry["URL"]).endswith(f"/matchmaking/meetings/{meeting.pk}/")
    # The matchmaking event itself and the session are there too, as events.
    assert len([uid for uid in events if uid.startswith("event-")]) == 2
    # Somebody else's feed has no meeting of theirs.
    other = calendar_feed_get_or_create(user=world.outsider).token
    assert b"meeting-" not in client.get(f"/events/feed/{other}.ics").content


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(world: World, client, programme):
    meeting, _keynote, _panel = programme
    meeting.status = "cancelled"
    meeting.cancelled_at = timezone.now()
    meeting.save()
    token = calendar_feed_get_or_create(user=world.marc).token
    raw = client.get(f"/events/feed/{token}.ics").content
    assert rfc5545_problems(raw) == []
    entry = next(
        e for e in icalendar.Calendar.from_ical(raw).walk("VEVENT") if "meeting-" in str(e["UID"])
    )
    assert str(entry["STATUS"]) == "CANCELLED"
    assert str(entry["SUMMARY"]).startswith("Cancelled: ")
