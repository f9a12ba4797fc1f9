"""Raised hands: a first-come queue in the database; raise and lower one's own, hosts
acknowledge or lower; attendees see no names."""

from __future__ import annotations

import pytest

from tests.webinars.qa_support import backstage, client_for, logged
from webinars.models import HandRaise

pytestmark = pytest.mark.django_db


def _api(room, suffix=""):
    return f"/api/v1/events/{room.event.pk}/hands/{suffix}"


def test_the_queue_is_first_come_and_names_people_to_hosts_only(room):
    for user in (room.other_attendee, room.attendee, room.speaker):
        assert client_for(user).post(_api(room, "raise/")).status_code == 201
    again = client_for(room.attendee).post(_api(room, "raise/"))
    assert again.status_code == 200  # already raised: the same hand
    assert HandRaise.objects.count() == 3
    host = client_for(room.host).get(_api(room)).json()
    assert [h["user"]["name"] for h in host["queue"]] == [
        "Bruno Attendee",
        "Anna Attendee",
        "Sara Speaker",
    ]
    assert host["backstage"] == backstage(room)
    mine = client_for(room.attendee).get(_api(room)).json()
    assert (mine["queue"], mine["queue_length"], mine["mine"]["user_id"]) == (
        None,
        3,
        room.attendee.pk,
    )
    assert "user" not in mine["mine"]
    # The room's events carry no names; the backstage's do.
    assert "Bruno" not in str(logged(room.topic))
    assert [d["queue_length"] for _, d in logged(room.topic)] == [1, 2, 3]
    assert logged(backstage(room))[0][1]["user"]["name"] == "Bruno Attendee"


def test_lower_my_hand_and_raise_it_again(room):
    client = client_for(room.attendee)
    first = client.post(_api(room, "raise/")).json()
    lowered = client.post(_api(room, "lower/")).json()
    assert (lowered["id"], lowered["status"], lowered["lowered_by_host"]) == (
        first["id"],
        "lowered",
        False,
    )
    assert client.post(_api(room, "lower/")).status_code == 204  # nothing raised
    second = client.post(_api(room, "raise/")).json()
    assert second["id"] != first["id"]
    assert [t for t, _ in logged(room.topic)] == ["hand.raised", "hand.lowered", "hand.raised"]


def test_hosts_acknowledge_and_lower(room):
    a = client_for(room.attendee).post(_api(room, "raise/")).json()["id"]
    b = client_for(room.other_attendee).post(_api(room, "raise/")).json()["id"]
    host = client_for(room.host)
    ack = host.post(_api(room, f"{a}/acknowledge/")).json()
    assert (ack["status"], ack["queue_length"], ack["user"]["name"]) == (
        "acknowledged",
        1,
        "Anna Attendee",
    )
    low = host.post(_api(room, f"{b}/lower/")).json()
    assert (low["status"], low["lowered_by_host"], low["queue_length"]) == ("lowered", True, 0)
    assert host.get(_api(room)).json()["queue"] == []
    assert [t for t, _ in logged(room.topic)][-2:] == ["hand.acknowledged", "hand.lowered"]
    # A handled hand stays handled: no second event.
    host.post(_api(room, f"{b}/lower/"))
    assert len(logged(room.topic)) == 4


def test_attendees_and_speakers_may_not_handle_hands(room):
    hand = client_for(room.attendee).post(_api(room, "raise/")).json()["id"]
    for user in (room.other_attendee, room.speaker, room.attendee):
        for verb in ("acknowledge", "lower"):
            assert client_for(user).post(_api(room, f"{hand}/{verb}/")).status_code == 403
    assert HandRaise.objects.get().status == "raised"


def test_a_hand_of_another_room_is_not_found(room):
    from tests.factories import EventFactory

    other = HandRaise.objects.create(event=EventFactory(), user=room.attendee)
    assert client_for(room.host).post(_api(room, f"{other.pk}/lower/")).status_code == 404


def test_the_queue_costs_a_fixed_number_of_queries(room, django_assert_max_num_queries):
    from tests.factories import RegistrationFactory, UserFactory

    for _ in range(10):
        user = RegistrationFactory(event=room.event, user=UserFactory()).user
        client_for(user).post(_api(room, "raise/"))
    with django_assert_max_num_queries(20):
        data = client_for(room.host).get(_api(room)).json()
    assert len(data["queue"]) == 10
