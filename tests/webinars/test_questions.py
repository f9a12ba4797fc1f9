"""A room's questions: asking (anonymous to attendees, never to hosts), upvotes, the hosts'
answer, pin, hide and queue, through the REST API and the services."""

from __future__ import annotations

import pytest

from tests.webinars.qa_support import backstage, client_for, logged
from webinars.models import Question, QuestionUpvote
from webinars.services import questions as services

pytestmark = pytest.mark.django_db


def _api(room, suffix=""):
    return f"/api/v1/events/{room.event.pk}/questions/{suffix}"


def _ask(room, user, body="How do we apply?", **extra):
    response = client_for(user).post(_api(room), {"body": body, **extra}, format="json")
    assert response.status_code in (200, 201), response.content
    return response


def test_asking_a_question_shows_it_to_everyone_in_the_room(room):
    response = _ask(room, room.attendee, client_id="c-1")
    assert response.status_code == 201
    data = response.json()
    assert (data["body"], data["author"]["name"], data["mine"]) == (
        "How do we apply?",
        "Anna Attendee",
        True,
    )
    listing = client_for(room.other_attendee).get(_api(room)).json()
    assert listing["topic"] == room.topic
    assert listing["seq"] == 1
    (row,) = listing["questions"]
    assert (row["id"], row["author"]["name"], row["mine"]) == (data["id"], "Anna Attendee", False)
    assert "backstage" not in listing
    (created,) = logged(room.topic)
    assert created[0] == "question.created"
    assert created[1]["author"] == {"id": room.attendee.pk, "name": "Anna Attendee"}


def test_a_retry_with_the_same_client_id_is_stored_once(room):
    first = _ask(room, room.attendee, client_id="c-1")
    again = _ask(room, room.attendee, client_id="c-1")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Question.objects.count() == 1
    assert len(logged(room.topic)) == 1


def test_an_anonymous_question_names_nobody_to_attendees_but_its_author_to_hosts(room):
    data = _ask(room, room.attendee, anonymous=True).json()
    assert data["author"]["id"] == room.attendee.pk  # its author sees it is theirs
    other = client_for(room.other_attendee).get(_api(room)).json()["questions"][0]
    assert (other["author"], other["anonymous"]) == (None, True)
    host = client_for(room.host).get(_api(room)).json()
    assert host["questions"][0]["author"]["name"] == "Anna Attendee"
    assert host["backstage"] == backstage(room)
    # The room's log never holds the author; the backstage's does.
    ((kind, payload),) = logged(room.topic)
    assert (kind, payload["author"]) == ("question.created", None)
    assert room.attendee.display_name not in str(logged(room.topic))
    assert logged(backstage(room)) == [
        (
            "question.author",
            {"id": data["id"], "author": {"id": room.attendee.pk, "name": "Anna Attendee"}},
        )
    ]


def test_upvotes_count_once_per_person_and_can_be_taken_back(room):
    qid = _ask(room, room.attendee).json()["id"]
    url = _api(room, f"{qid}/upvote/")
    for user in (room.other_attendee, room.other_attendee, room.speaker, room.host):
        assert client_for(user).post(url).status_code == 200
    assert Question.objects.get(pk=qid).upvote_count == 3
    assert QuestionUpvote.objects.filter(question_id=qid).count() == 3
    mine = client_for(room.other_attendee).get(_api(room)).json()["questions"][0]
    assert (mine["upvote_count"], mine["upvoted"]) == (3, True)
    data = client_for(room.other_attendee).delete(url).json()
    assert (data["upvote_count"], data["upvoted"]) == (2, False)
    client_for(room.other_attendee).delete(url)  # again: nothing
    assert Question.objects.get(pk=qid).upvote_count == 2
    counts = [p["upvote_count"] for t, p in logged(room.topic, "question.updated")]
    assert counts == [1, 2, 3, 2]


def test_hosts_answer_pin_and_hide(room):
    first = _ask(room, room.attendee, body="First?").json()["id"]
    second = _ask(room, room.other_attendee, body="Second?").json()["id"]
    third = _ask(room, room.other_attendee, body="Third?").json()["id"]
    host = client_for(room.host)
    host.post(_api(room, f"{third}/upvote/"))
    answered = host.post(_api(room, f"{first}/answer/"), {"answer": "In May."}, format="json")
    assert (answered.json()["answered"], answered.json()["answer"]) == (True, "In May.")
    assert (
        host.post(_api(room, f"{second}/pin/"), {"pinned": True}, format="json").status_code == 200
    )
    queue = host.get(_api(room) + "?order=queue").json()["questions"]
    assert [q["id"] for q in queue] == [second, third, first]
    assert host.post(_api(room, f"{third}/hide/"), {}, format="json").json()["hidden"] is True
    seen = client_for(room.attendee).get(_api(room)).json()["questions"]
    assert [q["id"] for q in seen] == [first, second]
    assert [q["id"] for q in host.get(_api(room)).json()["questions"]] == [first, second, third]
    assert logged(room.topic, "question.hidden") == [
        ("question.hidden", {"id": third, "hidden": True})
    ]
    # A hidden question cannot be upvoted by attendees (they may not see it).
    assert client_for(room.attendee).post(_api(room, f"{third}/upvote/")).status_code == 404
    shown = host.post(_api(room, f"{third}/hide/"), {"hidden": False}, format="json").json()
    assert shown["hidden"] is False
    assert logged(room.topic)[-1][0] == "question.updated"
    reopened = host.post(_api(room, f"{first}/answer/"), {"answered": False}, format="json").json()
    assert (reopened["answered"], reopened["answer"]) == (False, "")


def test_attendees_and_speakers_may_not_answer_pin_or_hide(room):
    qid = _ask(room, room.attendee).json()["id"]
    for user in (room.attendee, room.speaker):
        for verb in ("answer", "pin", "hide"):
            response = client_for(user).post(_api(room, f"{qid}/{verb}/"), {}, format="json")
            assert response.status_code == 403, (user, verb)
    assert logged(room.topic, "question.updated", "question.hidden") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [({"body": ""}, "body"), ({"body": "x" * 1001}, "body"), ({}, "body")],
)
def test_bad_questions_are_refused_with_a_message(room, body, field):
    response = client_for(room.attendee).post(_api(room), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Question.objects.count() == 0


def test_a_question_of_another_room_is_not_found(room):
    from tests.factories import EventFactory

    other = EventFactory()
    question = Question.objects.create(event=other, author=room.attendee, body="Elsewhere")
    url = _api(room, f"{question.pk}/upvote/")
    assert client_for(room.host).post(url).status_code == 404


def test_the_room_event_is_broadcast_only_after_commit(room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.question_ask(author=room.attendee, event=room.event, body="Why?", anonymous=True)
    assert len(callbacks) == 2  # the room's event and the backstage's


def test_the_list_costs_a_fixed_number_of_queries(room, django_assert_max_num_queries):
    for i in range(10):
        _ask(room, room.attendee, body=f"Q{i}?")
    with django_assert_max_num_queries(25):
        response = client_for(room.other_attendee).get(_api(room))
    assert len(response.json()["questions"]) == 10
