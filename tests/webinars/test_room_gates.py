"""Who may be in a room, and as what (webinars.selectors.rooms)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from realtime.topics import user_may_subscribe
from webinars.selectors.rooms import room_role

pytestmark = pytest.mark.django_db


def test_roles_in_an_open_room(room):
    assert room_role(room.organiser, room.event) == "host"
    assert room_role(room.staff, room.event) == "host"
    assert room_role(room.host, room.event) == "host"
    assert room_role(room.speaker, room.event) == "speaker"
    assert room_role(room.attendee, room.event) == "attendee"
    for nobody in (room.waitlisted, room.pending, room.outsider, room.removed, AnonymousUser()):
        assert room_role(nobody, room.event) is None


def test_the_socket_gate_follows_the_roles_and_the_opening_hours(room):
    allowed = [room.organiser, room.host, room.speaker, room.attendee, room.staff]
    refused = [room.waitlisted, room.pending, room.outsider, room.removed]
    assert all(user_may_subscribe(u, room.topic) for u in allowed)
    assert not any(user_may_subscribe(u, room.topic) for u in refused)
    # 15 minutes before the start the room opens; 16 minutes before, it is not yet open.
    room.event.starts_at = timezone.now() + timedelta(minutes=16)
    room.event.ends_at = room.event.starts_at + timedelta(hours=1)
    room.event.save()
    assert not user_may_subscribe(room.attendee, room.topic)
    room.event.starts_at = timezone.now() + timedelta(minutes=14)
    room.event.ends_at = room.event.starts_at + timedelta(hours=1)
    room.event.save()
    assert user_may_subscribe(room.attendee, room.topic)
    room.event.cancelled_at = timezone.now()
    room.event.save()
    assert not user_may_subscribe(room.host, room.topic)


def test_only_hosts_may_follow_the_backstage(room):
    topic = f"webinar_backstage:{room.event.pk}"
    assert user_may_subscribe(room.host, topic)
    assert user_may_subscribe(room.organiser, topic)
    assert not user_may_subscribe(room.speaker, topic)
    assert not user_may_subscribe(room.attendee, topic)
