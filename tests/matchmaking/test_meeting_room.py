"""The meeting's video room `meeting_call:<meeting id>`: its two people only, from 5 minutes
before the slot to 15 minutes after it, two people at most (matchmaking/selectors/agenda.py,
matchmaking/api/agenda.py, the meeting page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from rest_framework.test import APIClient

from realtime.topics import user_may_subscribe
from tests.matchmaking.agenda_world import World, book_meeting, make_world, world_fixture  # noqa: F401
from tests.realtime.conftest import open_socket, subscribe


def _in(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def get_call(user, meeting) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/matchmaking/meetings/{meeting.pk}/call/")


# (slot start from now in minutes, slot length, room open?)
WINDOWS = [
    (10, 20, False),  # opens 5 minutes before: not yet
    (4, 20, True),
    (-10, 20, True),  # during the slot
    (-30, 20, True),  # ended 10 minutes ago: still within 15
    (-40, 20, False),  # ended 20 minutes ago
]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "length", "open_"), WINDOWS)
def test_the_room_opens_only_in_its_time_window(world: World, start, length, open_):
    meeting = book_meeting(world, _in(start), minutes=length)
    topic = f"meeting_call:{meeting.pk}"
    for person in (world.anna, world.marc):
        assert user_may_subscribe(person, topic) is open_
        response = get_call(person, meeting)
        assert response.status_code == (200 if open_ else 404)
    if open_:
        assert response.json() == {
            "topic": topic,
            "participants": 0,
            "capacity": 2,
            "full": False,
            "ice_servers": [],
            "ice_servers_ttl": None,
            "signal_rate": {"count": 100, "seconds": 10.0},
        }
        assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "organiser", "staff"])
def test_nobody_else_may_enter_even_in_the_window(world: World, who):
    meeting = book_meeting(world, _in(-1))
    user = getattr(world, who)
    assert not user_may_subscribe(user, f"meeting_call:{meeting.pk}")
    assert get_call(user, meeting).status_code == 404
    client = APIClient()
    client.force_authenticate(user)
    # Organisers and staff may read the meeting (selectors/meetings.py), never enter its room.
    expected = 200 if who in ("organiser", "staff") else 404
    assert client.get(f"/api/v1/matchmaking/meetings/{meeting.pk}/").status_code == expected


@pytest.mark.django_db
def test_a_cancelled_meeting_or_a_withdrawn_person_has_no_room(world: World):
    meeting = book_meeting(world, _in(-1))
    topic = f"meeting_call:{meeting.pk}"
    registration = world.event.registrations.get(user=world.marc)
    registration.status = "cancelled"
    registration.save()
    assert not user_may_subscribe(world.anna, topic)
    registration.status = "registered"
    registration.save()
    assert user_may_subscribe(world.anna, topic)
    meeting.status = "cancelled"
    meeting.save()
    assert not user_may_subscribe(world.anna, topic)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "phase", "present", "absent"),
    [
        (30, "before", 'id="meeting-countdown"', 'id="room-video"'),
        (-1, "room", "/api/v1/matchmaking/meetings/", 'id="meeting-countdown"'),
        (-60, "after", 'name="outcome"', 'id="room-video"'),
    ],
)
def test_the_meeting_page_follows_the_clock(world: World, client, start, phase, present, absent):
    meeting = book_meeting(world, _in(start))
    client.force_login(world.marc)
    page = client.get(f"/matchmaking/meetings/{meeting.pk}/").content.decode()
    assert "Meeting with Anna Dupont" in page
    assert present in page
    assert absent not in page
    if phase == "room":
        assert f'data-call-api="/api/v1/matchmaking/meetings/{meeting.pk}/call/"' in page
        assert "webinars/video.js" in page
    client.force_login(world.outsider)
    assert client.get(f"/matchmaking/meetings/{meeting.pk}/").status_code == 404


async def receive(ws, timeout: float = 2) -> dict[str, Any]:
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if frame["type"] != "presence":
            return frame


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
async def test_the_two_people_signal_each_other_and_a_third_is_refused(ecosystems):
    w: World = await sync_to_async(make_world)()
    meeting = await sync_to_async(book_meeting)(w, _in(-1))
    topic = f"meeting_call:{meeting.pk}"
    ws_anna = await open_socket(w.anna)
    assert (await subscribe(ws_anna, topic))[-1]["type"] == "subscribed"
    ws_marc = await open_socket(w.marc)
    marc_peer = (await subscribe(ws_marc, topic))[-1]["peer"]
    joined = await receive(ws_anna)
    assert (joined["signal"], joined["from"]) == ("peer.joined", marc_peer)
    offer = {"description": {"type": "offer", "sdp": "v=0\r\n"}}
    await ws_anna.send_json_to(
        {"type": "signal", "topic": topic, "signal": "offer", "to": marc_peer, "data": offer}
    )
    got = await receive(ws_marc)
    assert (got["signal"], got["data"]) == ("offer", offer)
    ws_out = await open_socket(w.outsider)
    refusal = (await subscribe(ws_out, topic))[-1]
    assert (refusal["type"], refusal["code"]) == ("error", "not_found")
    for ws in (ws_anna, ws_marc, ws_out):
        await ws.disconnect()


@pytest.mark.django_db
def test_a_withdrawal_makes_both_peoples_sockets_recheck_the_room(
    world: World, monkeypatch, django_capture_on_commit_callbacks
):
    import realtime.services

    book_meeting(world, _in(-1))
    sent: list[tuple[int, dict]] = []
    monkeypatch.setattr(realtime.services, "control_send", lambda uid, f: sent.append((uid, f)))
    registration = world.event.registrations.get(user=world.marc)
    registration.status = "cancelled"
    with django_capture_on_commit_callbacks(execute=True):
        registration.save()
    frame = {"type": "live.recheck", "kinds": ["meeting_call"]}
    assert sorted(sent, key=lambda row: row[0]) == sorted(
        [(world.anna.pk, frame), (world.marc.pk, frame)], key=lambda row: row[0]
    )
