"""Who may do what with a room's questions, polls and hands: every REST endpoint and every
socket action, over the `room` fixture's roles. In the room: everyone asks, upvotes, votes
and raises; hosts (hosts, organisers, staff) also answer, pin, hide, run polls and handle
hands (403 for the others). Not in the room (waitlisted, pending, outsider, removed), or
the room ended: 404 for everything, like an object that does not exist."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from realtime.actions import action_names, get_action
from tests.webinars.qa_support import client_for
from webinars.models import HandRaise, Poll, PollOption, Question

pytestmark = pytest.mark.django_db

HOSTS = ["host", "organiser", "staff"]
IN_ROOM = ["speaker", "attendee", "other_attendee"]
OUT = ["waitlisted", "pending", "outsider", "removed"]


def _fixtures(room) -> dict[str, Any]:
    question = Question.objects.create(event=room.event, author=room.other_attendee, body="Q?")
    draft = Poll.objects.create(event=room.event, question="Draft?", created_by=room.host)
    poll = Poll.objects.create(
        event=room.event, question="Open?", created_by=room.host, status="open"
    )
    for p in (draft, poll):
        PollOption.objects.create(poll=p, text="Yes")
        PollOption.objects.create(poll=p, text="No", position=1)
    hand = HandRaise.objects.create(event=room.event, user=room.other_attendee)
    return {
        "q": question.pk,
        "draft": draft.pk,
        "poll": poll.pk,
        "option": poll.options.first().pk,
        "hand": hand.pk,
    }


# (method, path, body, who may: "all" in the room or "hosts")
def _endpoints(ids) -> list[tuple[str, str, dict[str, Any], str]]:
    q, poll, draft, hand = ids["q"], ids["poll"], ids["draft"], ids["hand"]
    return [
        ("get", "questions/", {}, "all"),
        ("post", "questions/", {"body": "Why?"}, "all"),
        ("post", f"questions/{q}/upvote/", {}, "all"),
        ("delete", f"questions/{q}/upvote/", {}, "all"),
        ("post", f"questions/{q}/answer/", {"answer": "Yes"}, "hosts"),
        ("post", f"questions/{q}/pin/", {}, "hosts"),
        ("post", f"questions/{q}/hide/", {"hidden": False}, "hosts"),
        ("get", "polls/", {}, "all"),
        ("post", "polls/", {"question": "Q?", "options": ["a", "b"]}, "hosts"),
        ("post", f"polls/{draft}/open/", {}, "drafts"),
        ("post", f"polls/{poll}/vote/", {"options": [ids["option"]]}, "all"),
        ("post", f"polls/{poll}/close/", {}, "hosts"),
        ("get", "hands/", {}, "all"),
        ("post", "hands/raise/", {}, "all"),
        ("post", "hands/lower/", {}, "all"),
        ("post", f"hands/{hand}/acknowledge/", {}, "hosts"),
        ("post", f"hands/{hand}/lower/", {}, "hosts"),
    ]


def _call(room, user, method, path, body):
    client = client_for(user)
    url = f"/api/v1/events/{room.event.pk}/{path}"
    return (
        getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
    )


@pytest.mark.parametrize("role", HOSTS + IN_ROOM + OUT)
def test_rest_access_matrix(room, role):
    ids = _fixtures(room)
    user = getattr(room, role)
    for method, path, body, who in _endpoints(ids):
        status = _call(room, user, method, path, body).status_code
        if role in OUT:
            expected: Any = {404}
        elif who == "drafts" and role not in HOSTS:
            expected = {404}  # a draft poll: only hosts know it exists
        elif who == "hosts" and role not in HOSTS:
            expected = {403}
        else:
            expected = {200, 201, 204}
        assert status in expected, (role, method, path, status)
        if role in HOSTS:
            # Undo, so the next host-only call finds the same state.
            HandRaise.objects.filter(pk=ids["hand"]).update(status="raised")
            Poll.objects.filter(pk=ids["poll"]).update(status="open")
            Poll.objects.filter(pk=ids["draft"]).update(status="draft")


def test_signed_out_callers_get_401_or_403(room):
    from rest_framework.test import APIClient

    ids = _fixtures(room)
    for method, path, body, _who in _endpoints(ids):
        url = f"/api/v1/events/{room.event.pk}/{path}"
        response = getattr(APIClient(), method)(url, body, format="json")
        assert response.status_code in (401, 403), (method, path)


def test_an_ended_room_refuses_everyone(room):
    ids = _fixtures(room)
    room.event.room_ended_at = timezone.now()
    room.event.save()
    for role in HOSTS + IN_ROOM:
        for method, path, body, _who in _endpoints(ids):
            status = _call(room, getattr(room, role), method, path, body).status_code
            assert status == 404, (role, path)


# --- socket actions: the same gates --------------------------------------------------------


def _actions(room, ids) -> list[tuple[str, dict[str, Any], str]]:
    e = room.event.pk
    return [
        ("room.question.ask", {"event": e, "body": "Why?"}, "all"),
        ("room.question.upvote", {"event": e, "question": ids["q"]}, "all"),
        ("room.question.unupvote", {"event": e, "question": ids["q"]}, "all"),
        ("room.question.answer", {"event": e, "question": ids["q"]}, "hosts"),
        ("room.question.pin", {"event": e, "question": ids["q"]}, "hosts"),
        ("room.question.hide", {"event": e, "question": ids["q"], "hidden": False}, "hosts"),
        ("room.poll.create", {"event": e, "question": "Q?", "options": ["a", "b"]}, "hosts"),
        ("room.poll.open", {"event": e, "poll": ids["draft"]}, "drafts"),
        ("room.poll.vote", {"event": e, "poll": ids["poll"], "options": [ids["option"]]}, "all"),
        ("room.poll.close", {"event": e, "poll": ids["poll"]}, "hosts"),
        ("room.hand.raise", {"event": e}, "all"),
        ("room.hand.lower", {"event": e}, "all"),
        ("room.hand.acknowledge", {"event": e, "hand": ids["hand"]}, "hosts"),
        ("room.hand.lower", {"event": e, "hand": ids["hand"]}, "hosts"),
    ]


def test_every_room_qa_action_is_in_the_matrix(room):
    covered = {name for name, _, _ in _actions(room, _fixtures(room))}
    registered = {
        n for n in action_names() if n.startswith(("room.question.", "room.poll.", "room.hand."))
    }
    assert covered == registered


@pytest.mark.parametrize("role", HOSTS + IN_ROOM + OUT)
def test_socket_action_access_matrix(room, role):
    ids = _fixtures(room)
    user = getattr(room, role)
    for n, (name, data, who) in enumerate(_actions(room, ids)):
        handler = get_action(name)
        assert handler is not None
        try:
            handler[0](user, data, f"{role}-{n}")
            outcome = "ok"
        except Http404:
            outcome = "not_found"
        except PermissionDenied:
            outcome = "forbidden"
        if role in OUT or (who == "drafts" and role not in HOSTS):
            expected = "not_found"
        elif who == "hosts" and role not in HOSTS:
            expected = "forbidden"
        else:
            expected = "ok"
        assert outcome == expected, (role, name, outcome)
        if role in HOSTS:
            HandRaise.objects.filter(pk=ids["hand"]).update(status="raised")
            Poll.objects.filter(pk=ids["poll"]).update(status="open")
            Poll.objects.filter(pk=ids["draft"]).update(status="draft")
