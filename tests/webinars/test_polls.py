"""A room's polls: drafts only hosts see, open and close, one vote per person that may
change while open, results live or after the close, coalesced `poll.results` events."""

from __future__ import annotations

import pytest

from notifications.outbox import outbox_drain
from tests.webinars.qa_support import backstage, client_for, logged
from webinars.models import Poll, PollVote
from webinars.services import polls as services

pytestmark = pytest.mark.django_db


def _api(room, suffix=""):
    return f"/api/v1/events/{room.event.pk}/polls/{suffix}"


def _create(room, **extra):
    body = {"question": "Which call?", "options": ["Horizon", "Interreg", "COSME"], **extra}
    response = client_for(room.host).post(_api(room), body, format="json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def _vote(room, user, poll, *options):
    return client_for(user).post(
        _api(room, f"{poll['id']}/vote/"), {"options": list(options)}, format="json"
    )


def _ids(poll):
    return [o["id"] for o in poll["options"]]


def test_a_draft_is_seen_by_hosts_only_until_it_opens(room):
    poll = _create(room, client_id="p-1")
    assert poll["status"] == "draft"
    assert client_for(room.attendee).get(_api(room)).json()["polls"] == []
    assert [p["id"] for p in client_for(room.host).get(_api(room)).json()["polls"]] == [poll["id"]]
    assert _vote(room, room.attendee, poll, _ids(poll)[0]).status_code == 404
    assert logged(room.topic) == []
    assert [t for t, _ in logged(backstage(room))] == ["poll.created"]
    # A retry of the creation is stored once.
    assert _create(room, client_id="p-1")["id"] == poll["id"]
    assert Poll.objects.count() == 1
    opened = client_for(room.host).post(_api(room, f"{poll['id']}/open/")).json()
    assert opened["status"] == "open"
    assert [p["id"] for p in client_for(room.attendee).get(_api(room)).json()["polls"]] == [
        poll["id"]
    ]
    ((kind, data),) = logged(room.topic)
    assert (kind, data["counts"]) == ("poll.opened", {str(i): 0 for i in _ids(poll)})


def test_single_choice_one_vote_per_person_that_may_change(room, settings):
    settings.WEBINAR_POLL_RESULTS_INTERVAL = 0
    poll = _create(room, open=True)
    a, b, c = _ids(poll)
    assert _vote(room, room.attendee, poll, a).json()["my_votes"] == [a]
    assert _vote(room, room.attendee, poll, b).json()["my_votes"] == [b]
    assert _vote(room, room.attendee, poll, a, b).status_code == 400  # one option only
    _vote(room, room.other_attendee, poll, b)
    _vote(room, room.speaker, poll, c)
    assert PollVote.objects.filter(user=room.attendee).count() == 1
    outbox_drain()
    ((_kind, data),) = logged(room.topic, "poll.results")
    assert data == {"id": poll["id"], "counts": {str(a): 0, str(b): 2, str(c): 1}, "voters": 3}
    mine = client_for(room.attendee).get(_api(room)).json()["polls"][0]
    assert (mine["my_votes"], mine["counts"][str(b)]) == ([b], 2)
    # Taking the vote back.
    assert _vote(room, room.attendee, poll, *[]).json()["my_votes"] == []
    outbox_drain()
    assert logged(room.topic, "poll.results")[-1][1]["voters"] == 2


def test_multiple_choice_keeps_each_chosen_option_once(room):
    poll = _create(room, open=True, multiple=True)
    a, b, c = _ids(poll)
    assert _vote(room, room.attendee, poll, a, c, c).json()["my_votes"] == [a, c]
    assert _vote(room, room.attendee, poll, b, c).json()["my_votes"] == [b, c]
    assert sorted(PollVote.objects.values_list("option_id", flat=True)) == [b, c]


def test_bad_votes_are_refused(room):
    poll = _create(room, open=True)
    other = _create(room, open=True)
    assert _vote(room, room.attendee, poll, _ids(other)[0]).status_code == 400
    response = client_for(room.attendee).post(
        _api(room, f"{poll['id']}/vote/"), {"options": "x"}, format="json"
    )
    assert response.status_code == 400
    client_for(room.host).post(_api(room, f"{poll['id']}/close/"))
    closed = _vote(room, room.attendee, poll, _ids(poll)[0])
    assert (closed.status_code, list(closed.json()["error"]["fields"])) == (400, ["poll"])
    assert PollVote.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"question": "", "options": ["a", "b"]},
        {"question": "Q?", "options": ["only one"]},
        {"question": "Q?", "options": ["same", "Same"]},
        {"question": "Q?", "options": ["a", "b"], "results": "never"},
    ],
)
def test_bad_polls_are_refused_with_a_message(room, body):
    response = client_for(room.host).post(_api(room), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    assert Poll.objects.count() == 0


def test_hidden_results_reach_attendees_only_when_the_poll_closes(room, settings):
    settings.WEBINAR_POLL_RESULTS_INTERVAL = 0
    poll = _create(room, open=True, results="after_close")
    a, b, _c = _ids(poll)
    _vote(room, room.attendee, poll, a)
    _vote(room, room.other_attendee, poll, b)
    outbox_drain()
    seen = client_for(room.attendee).get(_api(room)).json()["polls"][0]
    assert (seen["counts"], seen["voters"], seen["my_votes"]) == (None, None, [a])
    assert client_for(room.host).get(_api(room)).json()["polls"][0]["voters"] == 2
    # No count on the room's topic before the close: the hosts get them on the backstage.
    room_events = logged(room.topic)
    assert [t for t, _ in room_events] == ["poll.opened"]
    assert room_events[0][1]["counts"] is None
    assert logged(backstage(room), "poll.results")[-1][1]["voters"] == 2
    closed = client_for(room.host).post(_api(room, f"{poll['id']}/close/")).json()
    assert closed["status"] == "closed"
    kind, data = logged(room.topic)[-1]
    assert (kind, data["counts"][str(a)], data["voters"]) == ("poll.closed", 1, 2)
    assert client_for(room.attendee).get(_api(room)).json()["polls"][0]["voters"] == 2


def test_results_are_coalesced_to_one_event_per_interval_with_the_last_counts(room, settings):
    settings.WEBINAR_POLL_RESULTS_INTERVAL = 3600  # nothing is due again within the test
    poll = Poll.objects.get(pk=_create(room, open=True)["id"])
    a = poll.options.first()
    services.poll_vote(user=room.attendee, poll=poll, option_ids=[a.pk])
    assert outbox_drain() == 1
    for user in (room.other_attendee, room.speaker, room.host):
        services.poll_vote(user=user, poll=poll, option_ids=[a.pk])
    assert outbox_drain() == 0  # within the interval: waits
    assert len(logged(room.topic, "poll.results")) == 1
    settings.WEBINAR_POLL_RESULTS_INTERVAL = 0
    assert outbox_drain() == 1  # the latest counts go out once due
    results = logged(room.topic, "poll.results")
    assert [d["voters"] for _, d in results] == [1, 4]
    assert outbox_drain() == 0


def test_only_hosts_create_open_and_close(room):
    poll = _create(room)
    for user in (room.attendee, room.speaker):
        client = client_for(user)
        assert client.post(_api(room), {"question": "Q?", "options": ["a", "b"]}).status_code == 403
    assert client_for(room.attendee).post(_api(room, f"{poll['id']}/open/")).status_code == 404
    assert client_for(room.host).post(_api(room, f"{poll['id']}/open/")).status_code == 200
    for user in (room.attendee, room.speaker):
        assert client_for(user).post(_api(room, f"{poll['id']}/close/")).status_code == 403
    assert Poll.objects.get().status == "open"


def test_closing_a_poll_with_pending_results_sends_no_late_results(room, settings):
    settings.WEBINAR_POLL_RESULTS_INTERVAL = 0
    poll = _create(room, open=True)
    _vote(room, room.attendee, poll, _ids(poll)[0])
    client_for(room.host).post(_api(room, f"{poll['id']}/close/"))
    assert outbox_drain() == 0
    assert [t for t, _ in logged(room.topic)] == ["poll.opened", "poll.closed"]


def test_the_list_costs_a_fixed_number_of_queries(room, django_assert_max_num_queries):
    polls = [_create(room, open=True, question=f"Q{i}?") for i in range(8)]
    for poll in polls:
        _vote(room, room.attendee, poll, _ids(poll)[0])
        _vote(room, room.other_attendee, poll, _ids(poll)[1])
    with django_assert_max_num_queries(20):
        rows = client_for(room.speaker).get(_api(room)).json()["polls"]
    assert [r["voters"] for r in rows] == [2] * 8
    assert all(sum(r["counts"].values()) == 2 for r in rows)
