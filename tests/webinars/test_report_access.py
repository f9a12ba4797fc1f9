"""Who may read the report, set the recording and read the Q&A archive, over the `room`
fixture's roles, through the pages and the REST API; and what the archive shows to whom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from webinars.models import Question

pytestmark = pytest.mark.django_db

ROLES = [
    "organiser",
    "host",
    "staff",
    "speaker",
    "attendee",
    "other_attendee",
    "waitlisted",
    "pending",
    "outsider",
    "removed",
    None,  # a visitor
]
HOSTS = {"organiser", "host", "staff"}
AUDIENCE = HOSTS | {"speaker", "attendee", "other_attendee"}


def _client(room, role):
    client = Client()
    if role is not None:
        client.force_login(getattr(room, role))
    return client


def _end(room):
    room.event.room_ended_at = timezone.now() - timedelta(minutes=1)
    room.event.save()


@pytest.mark.parametrize("role", ROLES)
def test_the_report_is_for_the_rooms_hosts(room, role):
    client = _client(room, role)
    slug, pk = room.event.slug, room.event.pk
    answers = [
        client.get(f"/events/{slug}/report/").status_code,
        client.get(f"/events/{slug}/report/attendance.csv").status_code,
        client.get(f"/api/v1/events/{pk}/report/").status_code,
        client.get(f"/api/v1/events/{pk}/report/attendance.csv").status_code,
    ]
    if role in HOSTS:
        assert answers == [200, 200, 200, 200]
    elif role is None:
        assert answers[:2] == [404, 404]
        assert answers[2:] in ([401, 401], [403, 403])
    else:
        assert answers == [404, 404, 404, 404]


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_and_staff_set_the_recording(room, role):
    """The report is for every host; the recording's address only for the organisers and
    staff: another host gets 403 (they may read the report), everyone else 404."""
    client = _client(room, role)
    url = "https://video.example.org/w/recording"
    page = client.post(f"/events/{room.event.slug}/report/recording/", {"url": url})
    api = client.put(
        f"/api/v1/events/{room.event.pk}/report/recording/",
        {"url": url},
        content_type="application/json",
    )
    room.event.refresh_from_db()
    if role in {"organiser", "staff"}:
        assert page.status_code == 302
        assert api.status_code == 200
        assert room.event.recording_url == url
    elif role == "host":
        assert page.status_code == 403
        assert api.status_code == 403
        assert api.json()["error"]["message"]
        assert room.event.recording_url == ""
    else:
        assert page.status_code == 404
        assert api.status_code in (401, 403, 404) if role is None else api.status_code == 404
        assert room.event.recording_url == ""


def test_a_bad_recording_address_is_refused_and_nothing_stored(room):
    client = _client(room, "organiser")
    page = client.post(
        f"/events/{room.event.slug}/report/recording/", {"url": "javascript:alert(1)"}
    )
    assert page.status_code == 400
    assert "https://" in page.content.decode()
    api = client.put(
        f"/api/v1/events/{room.event.pk}/report/recording/",
        {"url": "ftp://example.org/x"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["error"]["fields"]["url"]
    room.event.refresh_from_db()
    assert room.event.recording_url == ""


@pytest.mark.parametrize("role", ROLES)
def test_the_archive_is_for_the_rooms_people_once_the_event_is_over(room, role):
    client = _client(room, role)
    slug, pk = room.event.slug, room.event.pk

    def answers():
        return [
            client.get(f"/events/{slug}/archive/").status_code,
            client.get(f"/api/v1/events/{pk}/archive/").status_code,
        ]

    during = answers()
    _end(room)
    after = answers()
    if role in HOSTS:
        assert during == after == [200, 200]
    elif role in AUDIENCE:
        assert during == [404, 404]
        assert after == [200, 200]
    elif role is None:
        assert during[0] == after[0] == 404
        assert after[1] in (401, 403)
    else:
        assert during == after == [404, 404]


def test_the_archive_hides_anonymous_authors_and_hidden_questions(room):
    now = timezone.now()
    Question.objects.create(event=room.event, author=room.attendee, body="Named?", upvote_count=1)
    Question.objects.create(
        event=room.event,
        author=room.other_attendee,
        body="Who asks?",
        anonymous=True,
        upvote_count=4,
        answered_at=now,
        answered_by=room.speaker,
        answer="We do.",
    )
    Question.objects.create(
        event=room.event, author=room.attendee, body="Spam", hidden_at=now, hidden_by=room.host
    )
    _end(room)

    def archive(role):
        response = _client(room, role).get(f"/api/v1/events/{room.event.pk}/archive/")
        assert response.status_code == 200
        return {q["body"]: q for q in response.json()["questions"]}

    seen = archive("attendee")
    assert list(seen) == ["Who asks?", "Named?"]  # most upvoted first, the hidden one absent
    assert seen["Who asks?"]["author"] == ""
    assert seen["Who asks?"]["answer"] == "We do."
    assert seen["Who asks?"]["answered"] is True
    assert seen["Named?"]["author"] == "Anna Attendee"
    host_view = archive("host")
    assert host_view["Who asks?"]["author"] == "Bruno Attendee"
    assert host_view["Spam"]["hidden"] is True
    page = _client(room, "speaker").get(f"/events/{room.event.slug}/archive/").content.decode()
    assert "Who asks?" in page
    assert "Bruno Attendee" not in page
    assert "Spam" not in page
