"""The room's chat over REST and its service: send (idempotent by client id), list with
seq, hide; muted chat, slow mode and the per-person rate; the access matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from realtime.models import Event as LiveEvent
from tests.messaging.conversation_support import record_broadcasts
from webinars.models import ChatMessage
from webinars.services import chat as chat_services

pytestmark = pytest.mark.django_db

WRITERS = ["organiser", "staff", "host", "speaker", "attendee", "other_attendee"]
OUTSIDE = ["waitlisted", "pending", "outsider", "removed"]
HOSTS = ["organiser", "staff", "host"]


def _url(room, tail=""):
    return f"/api/v1/events/{room.event.pk}/chat/{tail}"


def _send(api_client, room, user, body="Hello", client_id=""):
    api_client.force_authenticate(user)
    return api_client.post(_url(room), {"body": body, "client_id": client_id}, format="json")


def test_who_may_read_and_write_the_chat(api_client, room):
    assert api_client.get(_url(room)).status_code in (401, 403)
    assert api_client.post(_url(room), {"body": "x"}, format="json").status_code in (401, 403)
    for name in OUTSIDE:
        user = getattr(room, name)
        api_client.force_authenticate(user)
        assert api_client.get(_url(room)).status_code == 404, name
        assert _send(api_client, room, user).status_code == 404, name
    for name in WRITERS:
        user = getattr(room, name)
        response = _send(api_client, room, user, body=f"Hi from {name}")
        assert response.status_code == 201, (name, response.content)
        api_client.force_authenticate(user)
        assert api_client.get(_url(room)).status_code == 200
    assert not ChatMessage.objects.filter(author__in=[getattr(room, n) for n in OUTSIDE]).exists()
    assert ChatMessage.objects.filter(event=room.event).count() == len(WRITERS)


def test_a_message_is_logged_on_the_room_topic_and_the_snapshot_starts_at_its_seq(api_client, room):
    response = _send(api_client, room, room.attendee, body="  Where are the slides?  ")
    message = response.json()
    assert message["body"] == "Where are the slides?"
    assert message["author"] == {
        "id": room.attendee.pk,
        "name": "Anna Attendee",
        "role": "attendee",
    }
    event = LiveEvent.objects.get(topic=room.topic, type="chat.message")
    assert event.data["id"] == message["id"]
    assert event.data["author"]["role"] == "attendee"
    _send(api_client, room, room.speaker, body="In the event page")
    snapshot = api_client.get(_url(room)).json()
    assert snapshot["seq"] == 2
    assert [m["body"] for m in snapshot["messages"]] == [
        "Where are the slides?",
        "In the event page",
    ]
    assert snapshot["messages"][1]["author"]["role"] == "speaker"


def test_a_retry_with_the_same_client_id_is_stored_once(api_client, room):
    first = _send(api_client, room, room.attendee, body="Once", client_id="c-1")
    again = _send(api_client, room, room.attendee, body="Once", client_id="c-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert ChatMessage.objects.filter(author=room.attendee).count() == 1
    assert LiveEvent.objects.filter(topic=room.topic, type="chat.message").count() == 1


def test_bad_messages_are_refused_with_a_reason(api_client, room):
    response = _send(api_client, room, room.attendee, body="   ")
    assert response.status_code == 400
    assert "body" in response.json()["error"]["fields"]
    response = _send(api_client, room, room.attendee, body="x" * 1001)
    assert response.status_code == 400
    assert not ChatMessage.objects.exists()


def test_a_muted_chat_lets_only_hosts_and_speakers_write(api_client, room):
    room.event.chat_muted = True
    room.event.save()
    response = _send(api_client, room, room.attendee)
    assert response.status_code == 403
    assert "muted" in response.json()["error"]["message"]
    assert _send(api_client, room, room.speaker).status_code == 201
    assert _send(api_client, room, room.host).status_code == 201


def test_slow_mode_says_how_long_to_wait(api_client, room):
    room.event.chat_slow_mode_seconds = 30
    room.event.save()
    assert _send(api_client, room, room.attendee, body="one").status_code == 201
    response = _send(api_client, room, room.attendee, body="two")
    assert response.status_code == 429
    error = response.json()["error"]
    wait = int(response["Retry-After"])
    assert 28 <= wait <= 30
    assert error["code"] == "throttled"
    assert error["message"] == f"Slow mode is on: wait {wait} seconds before your next message."
    # Others are not held back by one person's pace; hosts and speakers never are.
    assert _send(api_client, room, room.other_attendee, body="mine").status_code == 201
    assert _send(api_client, room, room.host, body="a").status_code == 201
    assert _send(api_client, room, room.host, body="b").status_code == 201
    # Once the time has passed, the next message goes through.
    ChatMessage.objects.filter(author=room.attendee).update(
        created_at=timezone.now() - timedelta(seconds=31)
    )
    assert _send(api_client, room, room.attendee, body="two").status_code == 201


def test_the_rate_limit_counts_one_persons_messages_per_minute(api_client, room):
    room.event.chat_messages_per_minute = 3
    room.event.save()
    for n in range(3):
        assert _send(api_client, room, room.attendee, body=f"m{n}").status_code == 201
    response = _send(api_client, room, room.attendee, body="m3")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "too fast" in response.json()["error"]["message"]
    assert ChatMessage.objects.filter(author=room.attendee).count() == 3
    ChatMessage.objects.filter(author=room.attendee).update(
        created_at=timezone.now() - timedelta(seconds=61)
    )
    assert _send(api_client, room, room.attendee, body="m3").status_code == 201


def test_hiding_is_for_hosts_and_hides_from_everyone_else(api_client, room):
    message_id = _send(api_client, room, room.attendee, body="Spam").json()["id"]
    url = _url(room, f"{message_id}/hide/")
    for name in OUTSIDE:
        api_client.force_authenticate(getattr(room, name))
        assert api_client.post(url).status_code == 404, name
    for name in ["speaker", "attendee", "other_attendee"]:
        api_client.force_authenticate(getattr(room, name))
        assert api_client.post(url).status_code == 403, name
    assert ChatMessage.objects.get(pk=message_id).hidden_at is None
    for name in HOSTS:
        api_client.force_authenticate(getattr(room, name))
        assert api_client.post(url).status_code == 204, name
    assert LiveEvent.objects.filter(topic=room.topic, type="chat.hidden").count() == 1
    api_client.force_authenticate(room.other_attendee)
    assert api_client.get(_url(room)).json()["messages"] == []
    api_client.force_authenticate(room.host)
    (shown,) = api_client.get(_url(room)).json()["messages"]
    assert shown["hidden"] is True
    api_client.force_authenticate(room.host)
    assert api_client.post(_url(room, "999999/hide/")).status_code == 404


def test_the_chat_snapshot_costs_a_fixed_number_of_queries(
    api_client, room, django_assert_max_num_queries
):
    for n in range(20):
        _send(api_client, room, [room.attendee, room.speaker, room.host][n % 3], body=f"m{n}")
    api_client.force_authenticate(room.attendee)
    # The gate, the seq, the messages and every author's role: the same for 20 or 60.
    with django_assert_max_num_queries(18):
        response = api_client.get(_url(room))
    assert len(response.json()["messages"]) == 20
    for n in range(40):
        _send(api_client, room, [room.speaker, room.organiser][n % 2], body=f"n{n}")
    api_client.force_authenticate(room.attendee)
    with django_assert_max_num_queries(18):
        response = api_client.get(_url(room))
    assert len(response.json()["messages"]) == 60


def test_a_message_is_broadcast_only_after_commit(
    room, monkeypatch, django_capture_on_commit_callbacks
):
    broadcasts = record_broadcasts(monkeypatch)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        chat_services.chat_send(user=room.attendee, event=room.event, body="Hi", client_id="x")
    assert broadcasts.sent == []
    for callback in callbacks:
        callback()
    assert broadcasts.events() == [(f"t.webinar_room.{room.event.pk}", "chat.message")]
