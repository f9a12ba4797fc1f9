"""Calendar files of events and each person's secret feed (webinars/views/calendar.py)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from community.models import ModerationStatus
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from webinars.models import CalendarFeed, Event, Speaker

pytestmark = pytest.mark.django_db

ICS_TYPE = "text/calendar; charset=utf-8"


# --- an independent check of RFC 5545's syntax, without the icalendar package ----------


def rfc5545_problems(raw: bytes) -> list[str]:
    """What in `raw` breaks RFC 5545's content-line rules (3.1) and required properties."""
    problems = []
    if not raw.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    physical = raw.split(b"\r\n")[:-1]
    for number, line in enumerate(physical, 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number}: a bare LF or CR")
        if len(line) > 75:
            problems.append(f"line {number}: {len(line)} octets (more than 75)")
    # Unfold: a line that starts with a space or a tab continues the one before.
    logical: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t") and logical:
            logical[-1] += line[1:]
        else:
            logical.append(line)
    text = [line.decode("utf-8") for line in logical]  # must be UTF-8 as a whole
    stack: list[str] = []
    props: dict[str, list[str]] = {}
    components: list[tuple[str, dict[str, list[str]]]] = []
    for line in text:
        match = re.match(r"^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$", line)
        if not match:
            problems.append(f"not a content line: {line!r}")
            continue
        name, _params, value = match.group(1).upper(), match.group(2), match.group(3)
        if name == "BEGIN":
            stack.append(value)
            props = {}
            components.append((value, props))
        elif name == "END":
            if not stack or stack.pop() != value:
                problems.append(f"END:{value} does not close what was opened")
        else:
            props.setdefault(name, []).append(line)
    if stack:
        problems.append(f"never closed: {stack}")
    if not components or components[0][0] != "VCALENDAR":
        problems.append("does not start with BEGIN:VCALENDAR")
    required = {
        "VCALENDAR": {"PRODID", "VERSION"},
        "VEVENT": {"UID", "DTSTAMP", "DTSTART"},
        "VTIMEZONE": {"TZID"},
    }
    # Every TZID a time refers to is defined by a VTIMEZONE of the file (3.2.19).
    used = {m for line in text for m in re.findall(r";TZID=([^;:]+)", line)}
    defined = {
        line.split(":", 1)[1]
        for component, found in components
        if component == "VTIMEZONE"
        for line in found.get("TZID", [])
    }
    if used - defined:
        problems.append(f"TZID without a VTIMEZONE: {sorted(used - defined)}")
    for component, found in components:
        for name in required.get(component, set()):
            if len(found.get(name, [])) != 1:
                problems.append(f"{component} has {len(found.get(name, []))} {name}")
    return problems


def test_the_independent_check_finds_what_it_looks_for():
    good = (
        b"BEGIN:VCALENDAR\r\nPRODID:-//x//y//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
        b"UID:1@x\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270101T100000Z\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert rfc5545_problems(good) == []
    assert rfc5545_problems(good.replace(b"\r\n", b"\n"))
    long_line = b"SUMMARY:" + b"x" * 70 + b"\r\n"
    assert rfc5545_problems(good.replace(b"END:VEVENT", long_line + b"END:VEVENT", 1))
    assert rfc5545_problems(good.replace(b"UID:1@x\r\n", b""))
    assert rfc5545_problems(good.replace(b"DTSTART:", b"DTSTART;TZID=Europe/Paris:"))
    assert rfc5545_problems(good.replace(b"END:VEVENT\r\n", b""))


def parse(raw: bytes) -> icalendar.Calendar:
    assert rfc5545_problems(raw) == []
    return icalendar.Calendar.from_ical(raw)


def vevents(raw: bytes) -> list[icalendar.Event]:
    return list(parse(raw).walk("VEVENT"))


def uids(raw: bytes) -> set[str]:
    return {str(e["UID"]) for e in vevents(raw)}


def uid(event: Event) -> str:
    return f"event-{event.pk}@127.0.0.1"


@pytest.fixture
def event(ecosystems) -> Event:
    starts = datetime(2027, 3, 25, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    return EventFactory(
        title="Clusters and the green transition: a long title that needs folding twice "
        "in the calendar file, with accents éàü",
        summary="How clusters help their members cut emissions — with three speakers.",
        time_zone="Europe/Paris",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=30),
    )


# --- one event's .ics ----------------------------------------------------------------


def test_event_ics_is_valid_and_complete(client, event):
    response = client.get(f"/events/{event.slug}/event.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == ICS_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    raw = response.content
    calendar = parse(raw)
    assert str(calendar["PRODID"]) == "-//ClusterHub//Events//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == uid(event)
    assert vevent.decoded("DTSTART") == event.starts_at
    assert vevent.decoded("DTEND") == event.ends_at
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert b"DTSTART;TZID=Europe/Paris:20270325T100000\r\n" in raw
    assert b"DTEND;TZID=Europe/Paris:20270325T113000\r\n" in raw
    assert vevent.decoded("DTSTAMP") == event.updated_at.replace(microsecond=0)
    assert str(vevent["SUMMARY"]) == event.title
    url = f"http://127.0.0.1:8000/events/{event.slug}/"
    assert str(vevent["DESCRIPTION"]) == f"{event.summary}\n\n{url}"
    assert str(vevent["URL"]) == url
    assert str(vevent["LOCATION"]) == "Online"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert int(vevent["SEQUENCE"]) >= 0
    # The long title and summary were folded, and the folds are where a line is full.
    assert any(line.startswith(b" ") for line in raw.split(b"\r\n"))


def test_vtimezone_gives_the_organisers_rules(client, ecosystems):
    """A summer event in New York: the calendar's own VTIMEZONE turns its local time back
    into the same instant (EDT, UTC-4)."""
    starts = datetime(2027, 7, 1, 18, 0, tzinfo=ZoneInfo("UTC"))
    event = EventFactory(
        time_zone="America/New_York", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    raw = client.get(f"/events/{event.slug}/event.ics").content
    assert b"DTSTART;TZID=America/New_York:20270701T140000\r\n" in raw
    calendar = parse(raw)
    (tz,) = calendar.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "America/New_York"
    offsets = {sub["TZOFFSETTO"].to_ical() for sub in tz.subcomponents}
    assert {str(o) if isinstance(o, str) else o.decode() for o in offsets} == {"-0400", "-0500"}
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART") == starts


def test_location_of_a_place(client, ecosystems):
    event = EventFactory(online=False, venue="Palais des Congrès", city="Lyon", country="FR")
    (vevent,) = vevents(client.get(f"/events/{event.slug}/event.ics").content)
    assert str(vevent["LOCATION"]) == "Palais des Congrès, Lyon, France"


def test_cancelled_event_is_cancelled(client, event):
    Event.objects.filter(pk=event.pk).update(cancelled_at=timezone.now())
    (vevent,) = vevents(client.get(f"/events/{event.slug}/event.ics").content)
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["SUMMARY"]) == f"Cancelled: {event.title}"
    assert str(vevent["UID"]) == uid(event)


def test_sequence_grows_when_the_event_changes(client, event):
    first = vevents(client.get(f"/events/{event.slug}/event.ics").content)[0]
    event.refresh_from_db()
    event.starts_at += timedelta(days=1)
    event.ends_at += timedelta(days=1)
    event.updated_at = event.updated_at + timedelta(minutes=5)
    Event.objects.filter(pk=event.pk).update(
        starts_at=event.starts_at, ends_at=event.ends_at, updated_at=event.updated_at
    )
    second = vevents(client.get(f"/events/{event.slug}/event.ics").content)[0]
    assert int(second["SEQUENCE"]) >= int(first["SEQUENCE"]) + 300
    assert second["UID"] == first["UID"]
    assert second.decoded("DTSTART") == event.starts_at


def test_event_ics_follows_who_may_see_the_event(client, ecosystems, organisation, org_admin):
    draft = EventFactory(status=ModerationStatus.DRAFT, organiser_organisation=organisation)
    assert client.get(f"/events/{draft.slug}/event.ics").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/events/{draft.slug}/event.ics").status_code == 404
    client.force_login(org_admin)
    assert client.get(f"/events/{draft.slug}/event.ics").status_code == 200
    assert client.get("/events/no-such-event/event.ics").status_code == 404


def test_event_ics_is_rate_limited(client, event, settings):
    settings.ICAL_RATE = "2/minute"
    assert client.get(f"/events/{event.slug}/event.ics").status_code == 200
    assert client.get(f"/events/{event.slug}/event.ics").status_code == 200
    response = client.get(f"/events/{event.slug}/event.ics")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


# --- the feed ----------------------------------------------------------------------


def feed_url(user) -> str:
    from webinars.services.calendar import calendar_feed_get_or_create

    return f"/events/feed/{calendar_feed_get_or_create(user=user).token}.ics"


# Whose feed holds the room's event: registered people (also those a host removed from the
# room: they still hold a seat), hosts and speakers; not those waiting or pending.
FEED_MATRIX = {
    "attendee": True,
    "other_attendee": True,
    "removed": True,
    "host": True,
    "speaker": True,
    "waitlisted": False,
    "pending": False,
    "outsider": False,
    "organiser": False,
    "staff": False,
}


@pytest.mark.parametrize(("role", "listed"), FEED_MATRIX.items())
def test_feed_lists_the_events_one_takes_part_in(client, room, role, listed):
    person = getattr(room, role)
    response = client.get(feed_url(person))
    assert response.status_code == 200
    assert response["Content-Type"] == ICS_TYPE
    assert response["Cache-Control"] == "private, no-store"
    assert (uid(room.event) in uids(response.content)) is listed


def test_feed_holds_hosting_speaking_and_cancelled_events(client, ecosystems):
    person = UserFactory()
    registered = RegistrationFactory(user=person).event
    cancelled = RegistrationFactory(user=person).event
    Event.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    speaking = EventFactory()
    Speaker.objects.create(event=speaking, name=person.full_name, user=person)
    withdrawn = RegistrationFactory(user=person, status="cancelled").event
    unpublished = RegistrationFactory(user=person).event
    Event.objects.filter(pk=unpublished.pk).update(status=ModerationStatus.REJECTED)
    long_ago = RegistrationFactory(
        user=person,
        event=EventFactory(
            starts_at=timezone.now() - timedelta(days=200),
            ends_at=timezone.now() - timedelta(days=200) + timedelta(hours=1),
        ),
    ).event
    someone_elses = RegistrationFactory().event

    raw = client.get(feed_url(person)).content
    calendar = parse(raw)
    assert str(calendar["X-WR-CALNAME"]) == "ClusterHub events"
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(by_uid) == {uid(registered), uid(cancelled), uid(speaking)}
    assert str(by_uid[uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert str(by_uid[uid(registered)]["STATUS"]) == "CONFIRMED"
    for absent in (withdrawn, unpublished, long_ago, someone_elses):
        assert uid(absent) not in by_uid


def test_feed_defines_each_time_zone_once(client, ecosystems):
    person = UserFactory()
    zones = ["Europe/Paris", "America/New_York", "Europe/Paris", "Asia/Tokyo"]
    for zone in zones:
        RegistrationFactory(user=person, event=EventFactory(time_zone=zone))
    calendar = parse(client.get(feed_url(person)).content)
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == sorted(set(zones))
    assert len(calendar.walk("VEVENT")) == 4


def test_feed_answers_head_requests(client, room):
    assert client.head(feed_url(room.attendee)).status_code == 200
    assert client.post(feed_url(room.attendee)).status_code == 405


def test_feed_needs_no_session_and_wrong_tokens_are_404(client, room):
    url = feed_url(room.attendee)
    client.force_login(room.outsider)  # whoever asks, the token decides
    assert uid(room.event) in uids(client.get(url).content)
    client.logout()
    assert client.get(url).status_code == 200
    token = url.removeprefix("/events/feed/").removesuffix(".ics")
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", token.upper()):
        if wrong != token:
            assert client.get(f"/events/feed/{wrong}.ics").status_code == 404
    assert client.get(f"/events/feed/{token}.ics/").status_code == 404
    room.attendee.is_active = False
    room.attendee.save()
    assert client.get(url).status_code == 404


def test_feed_is_rate_limited_per_token(client, room, settings):
    settings.ICAL_FEED_RATE = "2/hour"
    url, other = feed_url(room.attendee), feed_url(room.host)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429
    assert client.get(other).status_code == 200


def test_guessing_tokens_is_rate_limited_per_address(client, db, settings):
    settings.ICAL_RATE = "3/minute"
    statuses = [client.get(f"/events/feed/guess{n}.ics").status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]


# --- the feed page -------------------------------------------------------------------


def test_feed_page_needs_signing_in(client, db):
    response = client.get("/events/calendar/feed/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_feed_page_shows_the_address_and_resets_it(client, room):
    client.force_login(room.attendee)
    page = client.get("/events/calendar/feed/")
    assert page.status_code == 200
    feed = CalendarFeed.objects.get(user=room.attendee)
    old = f"/events/feed/{feed.token}.ics"
    html = page.content.decode()
    assert f'value="http://127.0.0.1:8000{old}"' in html
    assert f'href="webcal://127.0.0.1:8000{old}"' in html
    assert client.get("/events/calendar/feed/").content.decode().count(feed.token) == 2  # stable

    response = client.post("/events/calendar/feed/", follow=True)
    assert response.redirect_chain == [("/events/calendar/feed/", 302)]
    assert "The old address no longer works" in response.content.decode()
    feed.refresh_from_db()
    assert feed.reset_at is not None
    assert client.get(old).status_code == 404
    assert uid(room.event) in uids(client.get(f"/events/feed/{feed.token}.ics").content)


def test_feed_page_reset_needs_csrf(room):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(room.attendee)
    token = CalendarFeed.objects.create(user=room.attendee).token
    assert client.post("/events/calendar/feed/").status_code == 403
    assert CalendarFeed.objects.get(user=room.attendee).token == token


def test_calendar_links_partial(rf, room):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = room.attendee
    html = render_to_string("webinars/_calendar_links.html", {"event": room.event}, request)
    assert f'href="/events/{room.event.slug}/event.ics"' in html
    assert 'href="/events/calendar/feed/"' in html


# --- REST ----------------------------------------------------------------------------


def test_api_feed_get_and_reset(api_client, room):
    assert api_client.get("/api/v1/events/calendar-feed/").status_code in (401, 403)
    assert api_client.post("/api/v1/events/calendar-feed/").status_code in (401, 403)
    api_client.force_authenticate(room.speaker)
    first = api_client.get("/api/v1/events/calendar-feed/").json()
    assert api_client.get("/api/v1/events/calendar-feed/").json() == first
    path = first["url"].removeprefix("http://127.0.0.1:8000")
    assert first["webcal_url"] == "webcal://127.0.0.1:8000" + path
    assert first["reset_at"] is None
    assert uid(room.event) in uids(api_client.get(path).content)

    reset = api_client.post("/api/v1/events/calendar-feed/")
    assert reset.status_code == 200
    assert reset.json()["url"] != first["url"]
    assert reset.json()["reset_at"] is not None
    assert api_client.get(path).status_code == 404
    new_path = reset.json()["url"].removeprefix("http://127.0.0.1:8000")
    assert api_client.get(new_path).status_code == 200


def test_api_feed_is_in_the_schema(api_client, db):
    schema = api_client.get("/api/schema/", {"format": "json"})
    if schema.status_code == 404:
        pytest.skip("no schema endpoint")
    paths = schema.json()["paths"]
    assert set(paths["/api/v1/events/calendar-feed/"]) >= {"get", "post"}


def test_feed_queries_do_not_grow_with_its_events(client, ecosystems, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = UserFactory()
    url = feed_url(person)
    RegistrationFactory(user=person)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        RegistrationFactory(user=person)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(vevents(client.get(url).content)) == 11
