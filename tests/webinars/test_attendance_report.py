"""Attendance from the room's sockets (webinars.services.attendance) and the report built from
it (webinars.selectors.report): scripted joins and leaves at chosen times (the live layer
passes the moment to `attendance_record`), merged per person, open spans closed at report
time, the chart's timeline, the CSV, and the breakdowns that never show a group under 5."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from community.spreadsheets import spreadsheet_cell as csv_cell
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from webinars.exports import attendance_csv
from webinars.models import AttendanceSpan
from webinars.selectors.report import (
    MIN_GROUP_SIZE,
    attendance_report,
    report_until,
    suppress_small_groups,
)
from webinars.services.attendance import attendance_record

pytestmark = pytest.mark.django_db


def _script(room, start, steps):
    """Run (minute, op, user, socket) steps through the presence hook."""
    key = str(room.event.pk)
    for minute, op, user, socket in steps:
        attendance_record(op, user.pk, key, socket, start + timedelta(minutes=minute))


def _by_name(report):
    return {p.name: p for p in report.people}


def test_a_resubscribe_keeps_one_span_and_a_rejoin_opens_another(room):
    start = room.event.starts_at
    _script(
        room,
        start,
        [
            (0, "join", room.attendee, "s1"),
            (5, "join", room.attendee, "s1"),  # resubscribe after a gap: the same span
            (10, "leave", room.attendee, "s1"),
            (10, "leave", room.attendee, "s1"),  # a repeated leave changes nothing
            (20, "join", room.attendee, "s1"),  # unsubscribed, then joined again
            (30, "leave", room.attendee, "s1"),
        ],
    )
    spans = list(AttendanceSpan.objects.filter(user=room.attendee).order_by("joined_at"))
    assert [(s.joined_at - start, s.left_at - start) for s in spans] == [
        (timedelta(0), timedelta(minutes=10)),
        (timedelta(minutes=20), timedelta(minutes=30)),
    ]
    person = _by_name(attendance_report(room.event, now=start + timedelta(hours=2)))[
        "Anna Attendee"
    ]
    assert person.seconds == 20 * 60


def test_a_bad_key_is_logged_not_raised(room, caplog):
    attendance_record("join", room.attendee.pk, "not-a-number", "s1", timezone.now())
    assert AttendanceSpan.objects.count() == 0
    assert "not recorded" in caplog.text


def test_tabs_and_reconnects_are_merged_per_person(room):
    start = room.event.starts_at.replace(second=0, microsecond=0)
    _script(
        room,
        start,
        [
            # Anna: two tabs overlapping (0-30 and 10-40), then a reconnect 45-60.
            (0, "join", room.attendee, "a-tab1"),
            (10, "join", room.attendee, "a-tab2"),
            (30, "leave", room.attendee, "a-tab1"),
            (40, "leave", room.attendee, "a-tab2"),
            (45, "join", room.attendee, "a-tab3"),
            (60, "leave", room.attendee, "a-tab3"),
            # Bruno: 5-15, a reconnect that touches (15-25).
            (5, "join", room.other_attendee, "b1"),
            (15, "leave", room.other_attendee, "b1"),
            (15, "join", room.other_attendee, "b2"),
            (25, "leave", room.other_attendee, "b2"),
            # Hugo, the host, from 0 to the end.
            (0, "join", room.host, "h1"),
            (60, "leave", room.host, "h1"),
        ],
    )
    report = attendance_report(room.event, now=start + timedelta(hours=3))
    people = _by_name(report)
    anna = people["Anna Attendee"]
    assert [(i.start - start, i.end - start) for i in anna.intervals] == [
        (timedelta(0), timedelta(minutes=40)),
        (timedelta(minutes=45), timedelta(minutes=60)),
    ]
    assert anna.minutes == 55
    assert anna.role == "attendee"
    assert people["Bruno Attendee"].minutes == 20
    assert len(people["Bruno Attendee"].intervals) == 1
    assert people["Hugo Host"].role == "host"
    assert report.unique_attendees == 3
    assert report.registered == 3  # Anna, Bruno, Rex (removed later, still registered)
    assert report.average_minutes == round((55 + 20 + 60) / 3)
    assert report.peak == 3
    # The timeline: 3 people at minute 10, only Hugo at minute 42 (Anna away), 2 at 50.
    moments = {at - start: n for at, n in report.timeline}
    assert moments[timedelta(minutes=10)] == 3
    assert moments[timedelta(minutes=42)] == 1
    assert moments[timedelta(minutes=50)] == 2


def test_open_spans_end_at_the_room_end_the_closing_time_or_now(room, settings):
    settings.WEBINAR_ROOM_GRACE_MINUTES = 30
    event = room.event
    start = event.starts_at
    _script(room, start, [(10, "join", room.attendee, "dead-process")])
    # A running room: counted until now.
    now = start + timedelta(minutes=25)
    assert report_until(event, now) == now
    anna = _by_name(attendance_report(event, now=now))["Anna Attendee"]
    assert anna.minutes == 15
    assert anna.intervals[-1].open
    # Long after: until the event's end + the grace.
    later = start + timedelta(days=1)
    assert report_until(event, later) == event.ends_at + timedelta(minutes=30)
    assert _by_name(attendance_report(event, now=later))["Anna Attendee"].minutes == 60 + 30 - 10
    # A host ended the room: until then.
    event.room_ended_at = start + timedelta(minutes=50)
    event.save()
    assert _by_name(attendance_report(event, now=later))["Anna Attendee"].minutes == 40


def test_the_csv_is_excel_friendly_and_defuses_formulas(room):
    start = room.event.starts_at
    room.attendee.full_name = '=HYPERLINK("http://evil")'
    room.attendee.save()
    _script(
        room,
        start,
        [(0, "join", room.attendee, "x"), (30, "leave", room.attendee, "x")],
    )
    text = attendance_csv(attendance_report(room.event, now=start + timedelta(hours=2)))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Name"
    assert "(" in rows[0][2]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][4] == "30"
    for value in ("=1", "+1", "-1", "@x", "\tx"):
        assert csv_cell(value).startswith("'")
    assert csv_cell("Ana-Maria") == "Ana-Maria"


def test_small_groups_are_combined_so_none_is_recoverable():
    other = "Other"
    # Two small groups: combined (7 people), shown as one row.
    shown = suppress_small_groups({"BE": 9, "FR": 6, "IT": 3, "ES": 4}, other_label=other)
    assert [(r.label, r.count) for r in shown.rows] == [("BE", 9), ("FR", 6), ("Other", 7)]
    # One small group alone would be recovered by subtraction: the smallest shown joins it.
    shown = suppress_small_groups({"BE": 9, "FR": 6, "IT": 3}, other_label=other)
    assert [(r.label, r.count) for r in shown.rows] == [("BE", 9), ("Other", 9)]
    # Small groups adding up to less than 5: the same.
    shown = suppress_small_groups({"BE": 9, "FR": 6, "IT": 1, "ES": 2}, other_label=other)
    assert [(r.label, r.count) for r in shown.rows] == [("BE", 9), ("Other", 9)]
    # Nothing big enough to show at all: suppressed.
    assert suppress_small_groups({"BE": 3, "FR": 1}, other_label=other).suppressed
    assert suppress_small_groups({"BE": 4}, other_label=other).suppressed
    # No small group: everything shown.
    assert [r.count for r in suppress_small_groups({"A": 5, "B": 7}, other_label=other).rows] == [
        7,
        5,
    ]
    # Whatever the counts: rows add up, and no row or shown-vs-total difference is < 5 alone.
    for counts in ({"A": 5, "B": 1}, {"A": 12, "B": 4, "C": 4, "D": 1}, {"A": 6}):
        result = suppress_small_groups(counts, other_label=other)
        if result.suppressed:
            continue
        assert sum(r.count for r in result.rows) == sum(counts.values())
        assert all(r.count >= MIN_GROUP_SIZE for r in result.rows)
        merged = [r for r in result.rows if r.merged]
        small = [n for n in counts.values() if n < MIN_GROUP_SIZE]
        if merged:
            # The merged row holds two groups or more: never one small group by itself.
            assert merged[0].count != small[0] or len(small) > 1 or merged[0].count >= 5


def test_the_breakdowns_count_each_person_once_by_their_first_organisation(room, ecosystems):
    start = room.event.starts_at
    belgian = OrganisationFactory(country="BE", type="cluster")
    italian = OrganisationFactory(country="IT", type="cluster")
    steps = []
    for n in range(6):
        person = UserFactory(full_name=f"Belgian {n}")
        MembershipFactory(organisation=belgian, user=person, role="member")
        steps += [(0, "join", person, f"be{n}"), (30, "leave", person, f"be{n}")]
    for n in range(2):
        person = UserFactory(full_name=f"Italian {n}")
        MembershipFactory(organisation=italian, user=person, role="member")
        steps += [(0, "join", person, f"it{n}"), (30, "leave", person, f"it{n}")]
    steps += [(0, "join", room.attendee, "a"), (30, "leave", room.attendee, "a")]
    _script(room, start, steps)
    report = attendance_report(room.event, now=start + timedelta(hours=2))
    assert report.unique_attendees == 9
    country = report.breakdowns["country"]
    # Belgium 6; Italy 2 and "no organisation" 1 are too small alone and together (3), so
    # Belgium cannot be shown either without giving them away: suppressed.
    assert country.suppressed
    organisation_type = report.breakdowns["organisation_type"]
    assert organisation_type.suppressed
    for n in range(3):
        person = UserFactory(full_name=f"Loner {n}")
        _script(room, start, [(0, "join", person, f"l{n}"), (30, "leave", person, f"l{n}")])
    report = attendance_report(room.event, now=start + timedelta(hours=2))
    rows = {(r.label, r.count, r.merged) for r in report.breakdowns["country"].rows}
    assert ("Belgium", 6, False) in rows
    assert any(merged and count == 6 for _, count, merged in rows)  # Italy 2 + none 4


def test_the_report_page_draws_the_chart_in_any_language(room, client):
    start = room.event.starts_at - timedelta(minutes=1)
    _script(room, start, [(0, "join", room.attendee, "a"), (3, "leave", room.attendee, "a")])
    client.force_login(room.organiser)
    page = client.get(
        f"/events/{room.event.slug}/report/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert 'lang="fr"' in page
    begin = page.index("<svg viewBox")
    svg = page[begin : page.index("</svg>", begin)]
    assert "<title" in svg
    assert "<desc" in svg
    # Coordinates are numbers as SVG reads them: never a localised decimal comma.
    assert re.findall(r'(?:x|y|y1|y2|x1|x2)="[^"]*,', svg) == []
    assert "Anna Attendee" in page


def test_times_are_in_the_viewers_time_zone_page_and_csv(room, client):
    from datetime import UTC, datetime

    from notifications.models import DeliverySettings

    DeliverySettings.objects.create(user=room.organiser, timezone="America/New_York")
    start = datetime(2026, 7, 1, 14, 0, tzinfo=UTC)  # 10:00 in New York (summer time)
    _script(room, start, [(0, "join", room.attendee, "a"), (30, "leave", room.attendee, "a")])
    client.force_login(room.organiser)
    page = client.get(f"/events/{room.event.slug}/report/").content.decode()
    assert "America/New_York" in page
    assert "10:00\u201310:30" in page  # an en dash
    response = client.get(f"/api/v1/events/{room.event.pk}/report/attendance.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][2] == "First joined (America/New_York)"
    assert rows[1][2] == "2026-07-01 10:00:00"
    assert rows[1][3] == "2026-07-01 10:30:00"


def test_the_report_costs_the_same_queries_for_more_people(
    room, client, django_assert_max_num_queries
):
    start = room.event.starts_at - timedelta(hours=1)

    def add_people(n, tag):
        for k in range(n):
            person = UserFactory()
            MembershipFactory(user=person)
            _script(
                room, start, [(k, "join", person, f"{tag}{k}"), (40, "leave", person, f"{tag}{k}")]
            )

    client.force_login(room.organiser)
    url = f"/api/v1/events/{room.event.pk}/report/"
    add_people(2, "a")
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    add_people(15, "b")
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(url).json()["unique_attendees"] == 17
    assert len(many.captured_queries) == len(few.captured_queries)
