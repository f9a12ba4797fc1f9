"""Questions, polls and hands on real sockets through the full ASGI app: actions with their
acks and errors, events live, the backstage for hosts, and catch-up with `since` after a
reconnect (no snapshot refetch)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from notifications.outbox import outbox_drain
from tests.realtime.conftest import open_socket, subscribe
from webinars.services import hands, polls, questions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]


async def _frame(ws, *types: str) -> dict[str, Any]:
    """The next frame of one of `types`, skipping presence frames (people come and go)."""
    while True:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] != "presence" and (not types or frame["type"] in types):
            return frame


async def _action(ws, name: str, data: dict[str, Any], id_: str) -> dict[str, Any]:
    await ws.send_json_to({"type": "action", "action": name, "id": id_, "data": data})
    while True:
        frame = await _frame(ws)
        if frame["type"] in {"ack", "error"} and frame.get("id") == id_:
            return frame


async def test_asking_over_the_socket_is_acked_once_and_announced(room):
    ws = await open_socket(room.attendee)
    await subscribe(ws, room.topic)
    data = {"event": room.event.pk, "body": "When is the deadline?", "anonymous": True}
    ack = await _action(ws, "room.question.ask", data, "q-1")
    assert ack["type"] == "ack", ack
    result = ack["result"]
    assert (result["created"], result["question"]["author"]["name"]) == (True, "Anna Attendee")
    # A retry with the same id: the same question, not a second one.
    again = await _action(ws, "room.question.ask", data, "q-1")
    assert (again["result"]["question_id"], again["result"]["created"]) == (
        result["question_id"],
        False,
    )
    await ws.disconnect()
    other = await open_socket(room.other_attendee)
    frames = await subscribe(other, room.topic, since=0)
    events = [f for f in frames if f["type"] == "event"]
    assert [(e["seq"], e["event"]) for e in events] == [(1, "question.created")]
    assert events[0]["data"]["author"] is None  # anonymous to attendees
    await other.disconnect()


async def test_errors_come_back_as_error_frames(room):
    ws = await open_socket(room.attendee)
    question, _ = await sync_to_async(questions.question_ask)(
        author=room.other_attendee, event=room.event, body="Why?"
    )
    forbidden = await _action(
        ws, "room.question.pin", {"event": room.event.pk, "question": question.pk}, "p-1"
    )
    assert forbidden["code"] == "forbidden"
    invalid = await _action(ws, "room.question.ask", {"event": room.event.pk, "body": ""}, "a-1")
    assert (invalid["code"], list(invalid["fields"])) == ("invalid", ["body"])
    await ws.disconnect()
    outsider = await open_socket(room.outsider)
    nope = await _action(outsider, "room.hand.raise", {"event": room.event.pk}, "h-1")
    assert nope["code"] == "not_found"
    await outsider.disconnect()


async def test_hosts_learn_who_asked_an_anonymous_question_on_the_backstage(room):
    host = await open_socket(room.host)
    await subscribe(host, f"webinar_backstage:{room.event.pk}")
    attendee = await open_socket(room.attendee)
    assert (await subscribe(attendee, f"webinar_backstage:{room.event.pk}"))[-1][
        "code"
    ] == "not_found"
    ack = await _action(
        attendee,
        "room.question.ask",
        {"event": room.event.pk, "body": "Shy question", "anonymous": True},
        "q-2",
    )
    frame = await _frame(host, "event")
    assert (frame["event"], frame["data"]) == (
        "question.author",
        {
            "id": ack["result"]["question_id"],
            "author": {"id": room.attendee.pk, "name": "Anna Attendee"},
        },
    )
    await host.disconnect()
    await attendee.disconnect()


def _while_away(room) -> None:
    """What happens in the room while the attendee's network is down."""
    question, _ = questions.question_ask(author=room.other_attendee, event=room.event, body="Q1")
    questions.question_upvote(user=room.speaker, question=question)
    questions.question_answer(host=room.host, question=question, answer="Yes, in May.")
    poll, _ = polls.poll_create(
        host=room.host, event=room.event, question="Which?", options=["A", "B"], open_now=True
    )
    option = poll.options.first()
    assert option is not None
    polls.poll_vote(user=room.other_attendee, poll=poll, option_ids=[option.pk])
    outbox_drain()
    polls.poll_close(host=room.host, poll=poll)
    hand, _ = hands.hand_raise(user=room.other_attendee, event=room.event)
    hands.hand_acknowledge(host=room.host, hand=hand)


async def test_an_attendee_who_reconnects_gets_everything_missed(room, settings):
    settings.WEBINAR_POLL_RESULTS_INTERVAL = 0
    ws = await open_socket(room.attendee)
    subscribed = (await subscribe(ws, room.topic))[-1]
    seq = subscribed["seq"]
    await ws.disconnect()
    await sync_to_async(_while_away)(room)
    ws = await open_socket(room.attendee)
    frames = await subscribe(ws, room.topic, since=seq)
    missed = [(f["event"], f["data"]) for f in frames if f["type"] == "event"]
    assert [kind for kind, _ in missed] == [
        "question.created",
        "question.updated",  # the upvote
        "question.updated",  # the answer
        "poll.opened",
        "poll.results",
        "poll.closed",
        "hand.raised",
        "hand.acknowledged",
    ]
    assert missed[2][1]["answer"] == "Yes, in May."
    assert missed[4][1]["voters"] == 1
    assert missed[5][1]["status"] == "closed"
    assert missed[7][1]["queue_length"] == 0
    assert "user" not in missed[6][1]  # no names of hands on the room's topic
    seqs = [f["seq"] for f in frames if f["type"] == "event"]
    assert seqs == list(range(seq + 1, seq + 9))
    assert frames[-1] == {"type": "subscribed", "topic": room.topic, "seq": seq + 8, "id": None}
    await ws.disconnect()


async def test_poll_results_arrive_live(room, settings):
    settings.WEBINAR_POLL_RESULTS_INTERVAL = 0
    poll, _ = await sync_to_async(polls.poll_create)(
        host=room.host, event=room.event, question="Which?", options=["A", "B"], open_now=True
    )
    ws = await open_socket(room.attendee)
    await subscribe(ws, room.topic)
    options = await sync_to_async(lambda: [o.pk for o in poll.options.all()])()
    ack = await _action(
        ws,
        "room.poll.vote",
        {"event": room.event.pk, "poll": poll.pk, "options": [options[1]]},
        "v",
    )
    assert ack["result"] == {"poll": poll.pk, "my_votes": [options[1]]}  # as over REST
    await sync_to_async(outbox_drain)()
    frame = await _frame(ws, "event")
    assert (frame["event"], frame["data"]["counts"]) == (
        "poll.results",
        {str(options[0]): 0, str(options[1]): 1},
    )
    await ws.disconnect()
