"""The room page and the room's state endpoint: who gets in, and what the page carries
(the room page contract, docs/realtime.md "Webinar rooms")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

INSIDE = {
    "organiser": "host",
    "staff": "host",
    "host": "host",
    "speaker": "speaker",
    "attendee": "attendee",
    "other_attendee": "attendee",
}
OUTSIDE = ["waitlisted", "pending", "outsider", "removed"]


def _page(client, room):
    return client.get(f"/events/{room.event.slug}/room/")


def test_the_room_page_answers_by_role(client, room):
    response = _page(client, room)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    for name in OUTSIDE:
        client.force_login(getattr(room, name))
        assert _page(client, room).status_code == 404, name
    for name, role in INSIDE.items():
        client.force_login(getattr(room, name))
        response = _page(client, room)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'id="room"' in html
        assert f'data-role="{role}"' in html, name
        assert f'data-topic="webinar_room:{room.event.pk}"' in html
        assert f'data-api="/api/v1/events/{room.event.pk}/"' in html
        assert (f'data-backstage="webinar_backstage:{room.event.pk}"' in html) == (role == "host")
        assert 'id="room-chat"' in html
        assert 'id="room-people"' in html
        assert 'id="room-stage"' in html


def test_before_it_opens_a_registered_person_is_told_when(client, room):
    room.event.starts_at = timezone.now() + timedelta(hours=2)
    room.event.ends_at = room.event.starts_at + timedelta(hours=1)
    room.event.save()
    client.force_login(room.attendee)
    response = _page(client, room)
    assert response.status_code == 200
    assert 'id="room-closed"' in response.content.decode()
    assert "The room opens on" in response.content.decode()
    assert 'id="room"' not in response.content.decode()
    client.force_login(room.outsider)
    assert _page(client, room).status_code == 404
    # The REST side is closed until then.
    client.force_login(room.attendee)
    assert client.get(f"/api/v1/events/{room.event.pk}/room/").status_code == 404


def test_an_ended_room_says_so(client, room):
    room.event.room_ended_at = timezone.now()
    room.event.save()
    client.force_login(room.attendee)
    response = _page(client, room)
    assert response.status_code == 200
    assert "The room has closed" in response.content.decode()


def test_the_state_endpoint_by_role(api_client, room):
    url = f"/api/v1/events/{room.event.pk}/room/"
    assert api_client.get(url).status_code in (401, 403)
    for name in OUTSIDE:
        api_client.force_authenticate(getattr(room, name))
        assert api_client.get(url).status_code == 404, name
    for name, role in INSIDE.items():
        user = getattr(room, name)
        api_client.force_authenticate(user)
        response = api_client.get(url)
        assert response.status_code == 200, name
        body = response.json()
        assert body["role"] == role
        assert body["user_id"] == user.pk
        assert body["topic"] == f"webinar_room:{room.event.pk}"
        assert (body["backstage"] is not None) == (role == "host")
        assert body["settings"] == {
            "chat_muted": False,
            "chat_slow_mode_seconds": 0,
            "chat_messages_per_minute": 10,
            "ended": False,
        }
        assert isinstance(body["seq"], int)
        assert body["people"] == []  # nobody is connected
