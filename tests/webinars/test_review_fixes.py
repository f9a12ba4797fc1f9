"""Review fixes of the webinar rooms: a hidden question's updates stay backstage; an edit of
the event's people, organiser or room format re-checks the live room; cancelling or
declining a registration cuts the room's socket; questions, upvotes, votes and hands are
refused once a removal or the end committed (the gate is checked under the event row's
lock, as the chat does); a removal lowers the person's hand; only organisers and staff see
the recording form; the report's roles come from the room's own rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.test import Client
from django.utils import timezone

from tests.messaging.conversation_support import Broadcasts
from tests.webinars.qa_support import backstage, client_for, logged
from webinars.models import (
    AttendanceSpan,
    HandRaise,
    HandStatus,
    PollVote,
    Question,
    QuestionUpvote,
    Registration,
)
from webinars.selectors.report import attendance_people
from webinars.selectors.rooms import room_get_for
from webinars.services import events as event_services
from webinars.services import hands as hand_services
from webinars.services import polls as poll_services
from webinars.services import questions as question_services
from webinars.services import registrations as registration_services
from webinars.services import rooms as room_services

pytestmark = pytest.mark.django_db


def _recorder(monkeypatch) -> Broadcasts:
    """Every group message the live layer sends after commit (events, rechecks)."""
    recorder = Broadcasts()

    def record(group, message):
        recorder.sent.append((group, message))

    monkeypatch.setattr("realtime.events.group_send", record)
    monkeypatch.setattr("realtime.services.group_send", record)
    return recorder


# S1 --------------------------------------------------------------------------------------


def test_a_hidden_questions_updates_reach_the_backstage_only(room):
    question, _ = question_services.question_ask(
        author=room.attendee, event=room.event, body="Secret plans?", anonymous=True
    )
    question_services.question_hide(host=room.host, question=question)
    question_services.question_answer(host=room.host, question=question, answer="Not public")
    question_services.question_pin(host=room.host, question=question)
    room_types = [t for t, _ in logged(room.topic)]
    assert room_types == ["question.created", "question.hidden"]
    assert "Not public" not in str(logged(room.topic))
    updates = logged(backstage(room), "question.updated")
    assert len(updates) == 2
    assert updates[0][1]["answer"] == "Not public"
    assert updates[0][1]["hidden"] is True
    assert updates[0][1]["author"]["id"] == room.attendee.pk  # hosts see who asked
    # Shown again: the whole question reaches the room, author still left out.
    question_services.question_hide(host=room.host, question=question, hidden=False)
    (shown,) = logged(room.topic, "question.updated")
    assert (shown[1]["answer"], shown[1]["pinned"], shown[1]["author"]) == (
        "Not public",
        True,
        None,
    )


def test_the_hosts_answer_of_a_hidden_question_over_rest_stays_backstage(room):
    asked = client_for(room.attendee).post(
        f"/api/v1/events/{room.event.pk}/questions/", {"body": "Why?"}, format="json"
    )
    assert asked.status_code == 201, asked.content
    question = Question.objects.get()
    question_services.question_hide(host=room.host, question=question)
    answered = client_for(room.host).post(
        f"/api/v1/events/{room.event.pk}/questions/{question.pk}/answer/",
        {"answer": "Because"},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    assert not logged(room.topic, "question.updated")
    assert logged(backstage(room), "question.updated")


# S2 --------------------------------------------------------------------------------------


def test_an_edit_of_the_hosts_rechecks_the_room_and_its_backstage(
    room, monkeypatch, django_capture_on_commit_callbacks
):
    broadcasts = _recorder(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_update(event=room.event, user=room.organiser, hosts=[])
    topics = {room.topic, backstage(room)}
    assert {topic for _, topic in broadcasts.rechecks()} == topics
    assert {group for group, _ in broadcasts.rechecks()} == {
        f"t.webinar_room.{room.event.pk}",
        f"t.webinar_backstage.{room.event.pk}",
    }
    with pytest.raises(Http404):  # the former host is out of the room now
        room_get_for(room.host, room.event.pk)


@pytest.mark.parametrize(
    "change",
    [
        {"room_format": "video"},
        {"speakers": []},  # none of the fixture's speakers is listed: no change
        {"title": "A new title"},
    ],
)
def test_only_a_change_of_who_is_in_the_room_rechecks_it(
    room, monkeypatch, django_capture_on_commit_callbacks, change
):
    broadcasts = _recorder(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_update(event=room.event, user=room.organiser, **change)
    expected = 2 if "room_format" in change else 0
    assert len(broadcasts.rechecks()) == expected


# S4 --------------------------------------------------------------------------------------


def test_cancelling_or_declining_a_registration_revokes_the_room(
    room, monkeypatch, django_capture_on_commit_callbacks
):
    broadcasts = _recorder(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(room.attendee).delete(f"/api/v1/events/{room.event.pk}/registration/")
    assert response.status_code in (200, 204), response.content
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.registration_decline(
            registration=Registration.objects.get(event=room.event, user=room.other_attendee),
            user=room.organiser,
        )
    assert broadcasts.rechecks() == [
        (f"u.{room.attendee.pk}", room.topic),
        (f"u.{room.other_attendee.pk}", room.topic),
    ]


# S5 + C4 ---------------------------------------------------------------------------------


def _open_poll(room):
    poll, _ = poll_services.poll_create(
        host=room.host, event=room.event, question="Coffee?", options=["Yes", "No"], open_now=True
    )
    return poll


def test_nothing_a_removed_person_sends_with_a_gate_passed_before_is_stored(room):
    """The REST/socket gate ran before the removal committed (the event was fetched); the
    services check again under the event row's lock and refuse."""
    event = room_get_for(room.attendee, room.event.pk)  # the gate, passed
    question, _ = question_services.question_ask(
        author=room.other_attendee, event=room.event, body="Before?"
    )
    poll = _open_poll(room)
    room_services.room_person_remove(host=room.host, event=room.event, user=room.attendee)
    calls = [
        lambda: question_services.question_ask(author=room.attendee, event=event, body="Late"),
        lambda: question_services.question_upvote(user=room.attendee, question=question),
        lambda: poll_services.poll_vote(
            user=room.attendee, poll=poll, option_ids=[poll.options.first().pk]
        ),
        lambda: hand_services.hand_raise(user=room.attendee, event=event),
    ]
    for call in calls:
        with pytest.raises(Http404):
            call()
    assert not Question.objects.filter(author=room.attendee).exists()
    assert not QuestionUpvote.objects.filter(user=room.attendee).exists()
    assert not PollVote.objects.filter(user=room.attendee).exists()
    assert not HandRaise.objects.filter(user=room.attendee).exists()


def test_nothing_is_stored_after_the_room_ended(room):
    event = room_get_for(room.attendee, room.event.pk)
    question, _ = question_services.question_ask(
        author=room.other_attendee, event=room.event, body="Before the end?"
    )
    room_services.room_end(host=room.host, event=room.event)
    with pytest.raises(Http404):
        question_services.question_ask(author=room.attendee, event=event, body="Late")
    with pytest.raises(Http404):
        question_services.question_upvote(user=room.attendee, question=question)
    with pytest.raises(Http404):
        hand_services.hand_raise(user=room.attendee, event=event)
    assert Question.objects.count() == 1
    assert not HandRaise.objects.exists()


def test_a_removal_lowers_the_persons_raised_hand(room):
    hand, _ = hand_services.hand_raise(user=room.attendee, event=room.event)
    hand_services.hand_raise(user=room.other_attendee, event=room.event)
    room_services.room_person_remove(host=room.host, event=room.event, user=room.attendee)
    hand.refresh_from_db()
    assert (hand.status, hand.handled_by) == (HandStatus.LOWERED, room.host)
    lowered = logged(room.topic, "hand.lowered")
    assert [(d["id"], d["lowered_by_host"], d["queue_length"]) for _, d in lowered] == [
        (hand.pk, True, 1)
    ]
    assert logged(backstage(room), "hand.lowered")[0][1]["user"]["id"] == room.attendee.pk
    # Removing again changes nothing more.
    room_services.room_person_remove(host=room.host, event=room.event, user=room.attendee)
    assert len(logged(room.topic, "hand.lowered")) == 1


def test_the_socket_actions_answer_not_found_after_a_removal_over_rest_too(room):
    """REST answers 404 to a removed person for every write of this review."""
    question, _ = question_services.question_ask(
        author=room.other_attendee, event=room.event, body="Hm?"
    )
    poll = _open_poll(room)
    room_services.room_person_remove(host=room.host, event=room.event, user=room.attendee)
    client = client_for(room.attendee)
    base = f"/api/v1/events/{room.event.pk}/"
    answers = [
        client.post(base + "questions/", {"body": "x"}, format="json").status_code,
        client.post(base + f"questions/{question.pk}/upvote/").status_code,
        client.post(
            base + f"polls/{poll.pk}/vote/",
            {"options": [poll.options.first().pk]},
            format="json",
        ).status_code,
        client.post(base + "hands/raise/").status_code,
    ]
    assert answers == [404, 404, 404, 404]


# S6 (the access matrix is in test_report_access.py) -------------------------------------


def test_the_report_page_shows_the_recording_form_to_organisers_only(room):
    room.event.recording_url = "https://video.example.org/w/1"
    room.event.save()
    action = f"/events/{room.event.slug}/report/recording/"
    for role, has_form in (("organiser", True), ("staff", True), ("host", False)):
        client = Client()
        client.force_login(getattr(room, role))
        page = client.get(f"/events/{room.event.slug}/report/")
        assert page.status_code == 200
        html = page.content.decode()
        assert (action in html) is has_form, role
        assert "https://video.example.org/w/1" in html


# C1 --------------------------------------------------------------------------------------


def test_the_report_labels_people_by_their_room_role(room):
    start = timezone.now() - timedelta(minutes=4)
    for user in (room.organiser, room.host, room.speaker, room.attendee, room.staff):
        AttendanceSpan.objects.create(
            event=room.event,
            user=user,
            socket=f"s{user.pk}",
            joined_at=start,
            left_at=start + timedelta(minutes=2),
        )
    registration_services.registration_cancel(event=room.event, user=room.attendee)
    people = {p.user_id: p.role for p in attendance_people(room.event, until=timezone.now())}
    assert people == {
        room.organiser.pk: "host",
        room.host.pk: "host",
        room.speaker.pk: "speaker",
        room.attendee.pk: "attendee",  # cancelled after attending: still an attendee
        room.staff.pk: "host",
    }
