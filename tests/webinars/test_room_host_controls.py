"""Host controls over REST and their services: chat settings, removing a person, promoting
and demoting, ending the room; who may use them (the access matrix) and what they cause."""

from __future__ import annotations

import pytest

from realtime.models import Event as LiveEvent
from tests.messaging.conversation_support import record_broadcasts
from webinars.models import ChatMessage, EventPerson, RoomRemoval
from webinars.selectors.rooms import room_role
from webinars.services import rooms as room_services

pytestmark = pytest.mark.django_db

HOSTS = ["organiser", "staff", "host"]
MEMBERS = ["speaker", "attendee", "other_attendee"]  # in the room, not hosts: 403
OUTSIDE = ["waitlisted", "pending", "outsider", "removed"]  # not in the room: 404


def _base(room):
    return f"/api/v1/events/{room.event.pk}/"


def _controls(room):
    """(method, path, body) of every host control, harmless to repeat except the end."""
    target = room.other_attendee.pk
    return [
        ("patch", "room/", {"chat_slow_mode_seconds": 5}),
        ("post", f"room/people/{target}/role/", {"role": "speaker"}),
        ("post", f"room/people/{target}/role/", {"role": "attendee"}),
        ("post", f"room/people/{room.attendee.pk}/remove/", {}),
        ("post", "room/end/", None),
    ]


def test_only_hosts_may_use_the_host_controls(api_client, room):
    for method, path, body in _controls(room):
        url = _base(room) + path
        api_client.force_authenticate(None)
        assert getattr(api_client, method)(url, body, format="json").status_code in (401, 403)
        for name in OUTSIDE:
            api_client.force_authenticate(getattr(room, name))
            response = getattr(api_client, method)(url, body, format="json")
            assert response.status_code == 404, (name, path)
        for name in MEMBERS:
            api_client.force_authenticate(getattr(room, name))
            response = getattr(api_client, method)(url, body, format="json")
            assert response.status_code == 403, (name, path)
    room.event.refresh_from_db()
    assert room.event.chat_slow_mode_seconds == 0
    assert room.event.room_ended_at is None
    assert not RoomRemoval.objects.filter(user=room.attendee).exists()
    for name in HOSTS:
        api_client.force_authenticate(getattr(room, name))
        for method, path, body in _controls(room)[:-1]:
            response = getattr(api_client, method)(_base(room) + path, body, format="json")
            assert response.status_code in (200, 204), (name, path, response.content)
    api_client.force_authenticate(room.host)
    assert api_client.post(_base(room) + "room/end/").status_code == 204
    room.event.refresh_from_db()
    assert room.event.room_ended_at is not None


def test_settings_change_the_room_live_and_are_checked(api_client, room):
    api_client.force_authenticate(room.host)
    response = api_client.patch(
        _base(room) + "room/",
        {"chat_muted": True, "chat_slow_mode_seconds": 20, "chat_messages_per_minute": 4},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["settings"] == {
        "chat_muted": True,
        "chat_slow_mode_seconds": 20,
        "chat_messages_per_minute": 4,
        "ended": False,
    }
    (updated,) = LiveEvent.objects.filter(topic=room.topic, type="room.updated")
    assert updated.data["chat_muted"] is True
    # The same again changes nothing and logs nothing.
    api_client.patch(_base(room) + "room/", {"chat_muted": True}, format="json")
    assert LiveEvent.objects.filter(topic=room.topic, type="room.updated").count() == 1
    for bad in (
        {"chat_slow_mode_seconds": -1},
        {"chat_slow_mode_seconds": 601},
        {"chat_messages_per_minute": 61},
        {"chat_muted": "perhaps"},
    ):
        response = api_client.patch(_base(room) + "room/", bad, format="json")
        assert response.status_code == 400, bad
        assert response.json()["error"]["fields"]


def test_a_removed_person_is_cut_and_cannot_come_back(
    api_client, room, monkeypatch, django_capture_on_commit_callbacks
):
    broadcasts = record_broadcasts(monkeypatch)
    api_client.force_authenticate(room.host)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            _base(room) + f"room/people/{room.attendee.pk}/remove/",
            {"reason": "Spam"},
            format="json",
        )
    assert response.status_code == 204
    assert room_role(room.attendee, room.event) is None
    removal = RoomRemoval.objects.get(event=room.event, user=room.attendee)
    assert removal.removed_by == room.host
    assert removal.reason == "Spam"
    (changed,) = LiveEvent.objects.filter(topic=room.topic, type="room.role_changed")
    assert changed.data == {"user_id": room.attendee.pk, "role": "removed"}
    assert set(broadcasts.rechecks()) == {
        (f"u.{room.attendee.pk}", room.topic),
        (f"u.{room.attendee.pk}", f"webinar_backstage:{room.event.pk}"),
    }
    api_client.force_authenticate(room.attendee)
    assert api_client.get(_base(room) + "room/").status_code == 404
    assert api_client.post(_base(room) + "chat/", {"body": "hi"}, format="json").status_code == 404
    assert not ChatMessage.objects.filter(author=room.attendee).exists()


def test_organisers_staff_and_oneself_cannot_be_removed(api_client, room):
    api_client.force_authenticate(room.host)
    for user in (room.organiser, room.staff, room.host):
        response = api_client.post(
            _base(room) + f"room/people/{user.pk}/remove/", {}, format="json"
        )
        assert response.status_code == 400, user
        assert response.json()["error"]["message"]
    response = api_client.post(
        _base(room) + f"room/people/{room.outsider.pk}/remove/", format="json"
    )
    assert response.status_code == 400
    assert api_client.post(_base(room) + "room/people/999999/remove/").status_code == 404
    assert RoomRemoval.objects.filter(event=room.event).count() == 1  # the fixture's


def test_promote_and_demote(api_client, room):
    api_client.force_authenticate(room.host)
    url = _base(room) + f"room/people/{room.attendee.pk}/role/"
    assert api_client.post(url, {"role": "speaker"}, format="json").json() == {"role": "speaker"}
    assert room_role(room.attendee, room.event) == "speaker"
    assert api_client.post(url, {"role": "attendee"}, format="json").json() == {"role": "attendee"}
    assert room_role(room.attendee, room.event) == "attendee"
    assert not EventPerson.objects.filter(user=room.attendee).exists()
    changes = LiveEvent.objects.filter(topic=room.topic, type="room.role_changed")
    assert [e.data["role"] for e in changes.order_by("seq")] == ["speaker", "attendee"]
    # Hosts keep their role; a role that is neither is refused; outsiders are not in the room.
    for user, body in (
        (room.organiser, {"role": "attendee"}),
        (room.attendee, {"role": "host"}),
        (room.outsider, {"role": "speaker"}),
    ):
        response = api_client.post(
            _base(room) + f"room/people/{user.pk}/role/", body, format="json"
        )
        assert response.status_code == 400, user


def test_ending_the_room_cuts_every_subscriber(
    room, monkeypatch, django_capture_on_commit_callbacks
):
    broadcasts = record_broadcasts(monkeypatch)
    monkeypatch.setattr(
        "realtime.services.group_send",
        lambda group, message: broadcasts.sent.append((group, message)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        room_services.room_end(host=room.host, event=room.event)
    assert broadcasts.events() == [(f"t.webinar_room.{room.event.pk}", "room.updated")]
    assert broadcasts.data(f"t.webinar_room.{room.event.pk}", "room.updated")[0]["ended"] is True
    assert set(broadcasts.rechecks()) == {
        (f"t.webinar_room.{room.event.pk}", room.topic),
        (f"t.webinar_backstage.{room.event.pk}", f"webinar_backstage:{room.event.pk}"),
    }
    for user in (room.host, room.attendee, room.staff):
        assert room_role(user, room.event) is not None  # they keep a role in an ended room...
    from realtime.topics import user_may_subscribe

    assert not user_may_subscribe(room.host, room.topic)  # ...but nobody may be in it
    # Ending twice is harmless.
    room_services.room_end(host=room.host, event=room.event)
    assert LiveEvent.objects.filter(topic=room.topic, type="room.updated").count() == 1
