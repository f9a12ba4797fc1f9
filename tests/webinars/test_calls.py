"""The video call of a small room: who may join `webinar_call:<event id>` and get its ICE
servers (a matrix over the room's roles), the 8-person cap, TURN credentials, and the cut of
a person removed from the room (webinars/selectors/calls.py, webinars/api/calls.py,
docs/realtime.md "Video calls")."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from rest_framework.test import APIClient

from realtime.services import subscription_revoke
from realtime.topics import user_may_subscribe
from tests.factories import RegistrationFactory, UserFactory
from tests.realtime.conftest import open_socket, subscribe
from webinars.models import RoomRemoval
from webinars.services.calls import call_ice_servers, turn_credentials

IN_THE_ROOM = ["organiser", "host", "speaker", "attendee", "other_attendee", "staff"]
NOT_IN_IT = ["waitlisted", "pending", "outsider", "removed"]


@pytest.fixture
def video_room(room):
    room.event.room_format = "video"
    room.event.save()
    return room


def call_url(event) -> str:
    return f"/api/v1/events/{event.pk}/call/"


def get_call(user, event) -> Any:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(call_url(event))


@pytest.mark.django_db
@pytest.mark.parametrize("role", IN_THE_ROOM + NOT_IN_IT)
def test_who_may_join_the_call_and_get_its_servers(video_room, role):
    user = getattr(video_room, role)
    topic = f"webinar_call:{video_room.event.pk}"
    response = get_call(user, video_room.event)
    if role in IN_THE_ROOM:
        assert user_may_subscribe(user, topic)
        assert response.status_code == 200
        assert response.json() == {
            "topic": topic,
            "participants": 0,
            "capacity": 8,
            "full": False,
            "ice_servers": [],
            "ice_servers_ttl": None,
            "signal_rate": {"count": 100, "seconds": 10.0},
        }
        assert response["Cache-Control"] == "no-store"
    else:
        assert not user_may_subscribe(user, topic)
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", IN_THE_ROOM)
def test_a_stage_room_has_no_call(room, role):
    user = getattr(room, role)
    assert not user_may_subscribe(user, f"webinar_call:{room.event.pk}")
    assert get_call(user, room.event).status_code == 404


@pytest.mark.django_db
def test_a_closed_room_has_no_call(video_room):
    from django.utils import timezone

    video_room.event.room_ended_at = timezone.now()
    video_room.event.save()
    assert not user_may_subscribe(video_room.host, f"webinar_call:{video_room.event.pk}")
    assert get_call(video_room.host, video_room.event).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_get_nothing(video_room):
    assert get_call(None, video_room.event).status_code in {401, 403}


@pytest.mark.django_db
def test_ice_servers_come_from_settings_with_turn_rest_credentials(video_room, settings):
    settings.WEBRTC_ICE_SERVERS = [{"urls": ["stun:stun.example.org:3478"]}]
    settings.WEBRTC_TURN_URLS = ["turn:turn.example.org:3478?transport=udp"]
    settings.WEBRTC_TURN_SECRET = "s3cret"
    settings.WEBRTC_TURN_TTL = 600
    body = get_call(video_room.attendee, video_room.event).json()
    stun, turn = body["ice_servers"]
    assert stun == {"urls": ["stun:stun.example.org:3478"]}
    assert turn["urls"] == ["turn:turn.example.org:3478?transport=udp"]
    _expiry, user_id = turn["username"].split(":")
    assert user_id == str(video_room.attendee.pk)
    expected = hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(expected).decode()
    assert body["ice_servers_ttl"] == 600
    # The secret itself never leaves the server.
    assert "s3cret" not in str(body)


def test_turn_credentials_follow_coturns_use_auth_secret():
    # coturn checks: HMAC-SHA1(static-auth-secret, "<expiry>:<user>"), base64.
    username, credential = turn_credentials(user_id=7, secret="north", ttl=60, now=1_000)
    assert username == "1060:7"
    digest = hmac.new(b"north", b"1060:7", hashlib.sha1).digest()
    assert credential == base64.b64encode(digest).decode()


@pytest.mark.django_db
def test_without_turn_only_the_configured_servers(video_room, settings):
    settings.WEBRTC_ICE_SERVERS = [{"urls": "stun:127.0.0.1:3478"}]
    settings.WEBRTC_TURN_URLS = ["turn:turn.example.org"]
    settings.WEBRTC_TURN_SECRET = ""
    assert call_ice_servers(user=video_room.host) == ([{"urls": "stun:127.0.0.1:3478"}], None)


# --- through the socket --------------------------------------------------------------------


async def receive(ws, timeout: float = 2) -> dict[str, Any]:
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if frame["type"] != "presence":
            return frame


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
async def test_the_ninth_person_is_refused_and_the_rest_api_says_full(video_room):
    event = video_room.event
    topic = f"webinar_call:{event.pk}"

    @sync_to_async
    def attendees(n):
        return [RegistrationFactory(event=event, user=UserFactory()).user for _ in range(n)]

    people = [video_room.host, *await attendees(8)]
    sockets = []
    for person in people[:8]:
        ws = await open_socket(person)
        frames = await subscribe(ws, topic)
        assert frames[-1]["type"] == "subscribed", frames
        sockets.append(ws)
    body = (await sync_to_async(get_call)(people[8], event)).json()
    assert (body["participants"], body["full"]) == (8, True)
    ninth = await open_socket(people[8])
    refusal = (await subscribe(ninth, topic))[-1]
    assert refusal["type"] == "error"
    assert refusal["code"] == "full"
    assert refusal["topic"] == topic
    assert "8" in refusal["message"]
    # The host's second tab is the same person: not refused.
    second_tab = await open_socket(video_room.host)
    assert (await subscribe(second_tab, topic))[-1]["type"] == "subscribed"
    for ws in [*sockets, ninth, second_tab]:
        await ws.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
async def test_a_person_removed_from_the_room_is_cut_from_its_call(video_room):
    event = video_room.event
    topic = f"webinar_call:{event.pk}"
    ws_host = await open_socket(video_room.host)
    await subscribe(ws_host, topic)
    ws_att = await open_socket(video_room.attendee)
    peer = (await subscribe(ws_att, topic))[-1]["peer"]
    joined = await receive(ws_host)
    assert (joined["signal"], joined["from"]) == ("peer.joined", peer)

    @sync_to_async
    def remove():
        # What the room's removal does: record it, then re-check the ROOM topic (the call
        # follows it: `recheck_with`).
        with transaction.atomic():
            RoomRemoval.objects.create(
                event=event, user=video_room.attendee, removed_by=video_room.host
            )
            subscription_revoke(user_ids=[video_room.attendee.pk], topic=f"webinar_room:{event.pk}")

    await remove()
    assert await receive(ws_att) == {
        "type": "unsubscribed",
        "topic": topic,
        "reason": "access_revoked",
    }
    left = await receive(ws_host)
    assert (left["signal"], left["from"]) == ("peer.left", peer)
    # And they cannot come back.
    assert (await subscribe(ws_att, topic))[-1]["code"] == "not_found"
    await ws_att.disconnect()
    await ws_host.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
async def test_offer_and_answer_travel_between_two_participants_only(video_room):
    topic = f"webinar_call:{video_room.event.pk}"
    ws_a, ws_b, ws_c = [
        await open_socket(getattr(video_room, r)) for r in ("host", "attendee", "speaker")
    ]
    peers = [(await subscribe(ws, topic))[-1]["peer"] for ws in (ws_a, ws_b, ws_c)]
    for ws, n in ((ws_a, 2), (ws_b, 1)):  # the later ones' `peer.joined`
        for _ in range(n):
            assert (await receive(ws))["signal"] == "peer.joined"
    offer = {"description": {"type": "offer", "sdp": "v=0\r\n"}}
    await ws_a.send_json_to(
        {"type": "signal", "topic": topic, "signal": "offer", "to": peers[1], "data": offer}
    )
    got = await receive(ws_b)
    assert (got["signal"], got["from"], got["data"]) == ("offer", peers[0], offer)
    assert got["user"] == {"id": video_room.host.pk, "name": "Hugo Host"}
    answer = {"description": {"type": "answer", "sdp": "v=0\r\n"}}
    await ws_b.send_json_to(
        {"type": "signal", "topic": topic, "signal": "answer", "to": got["from"], "data": answer}
    )
    assert (await receive(ws_a))["data"] == answer
    # The third participant saw neither (only presence frames, if any).
    while not await ws_c.receive_nothing(timeout=0.3):
        assert (await ws_c.receive_json_from())["type"] == "presence"
    for ws in (ws_a, ws_b, ws_c):
        await ws.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stop_hub_after")
@pytest.mark.parametrize("role", IN_THE_ROOM + NOT_IN_IT)
async def test_who_may_subscribe_to_the_call_over_the_socket(video_room, role):
    user = getattr(video_room, role)
    ws = await open_socket(user)
    reply = (await subscribe(ws, f"webinar_call:{video_room.event.pk}"))[-1]
    if role in IN_THE_ROOM:
        assert reply["type"] == "subscribed"
        assert len(reply["peer"]) >= 8
    else:
        assert (reply["type"], reply["code"]) == ("error", "not_found")
    await ws.disconnect()
