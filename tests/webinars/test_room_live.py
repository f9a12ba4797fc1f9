"""The room on real sockets through the full ASGI application: who may subscribe, the chat
live, every socket action's access matrix, the removal cut (within 2 seconds), the end of
the room, and presence (hosts see names, everyone else the count)."""

from __future__ import annotations

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async

from tests.realtime.conftest import open_socket, subscribe
from webinars.models import ChatMessage, RoomRemoval
from webinars.services import rooms as room_services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]

INSIDE = ["organiser", "staff", "host", "speaker", "attendee", "other_attendee"]
HOSTS = ["organiser", "staff", "host"]
MEMBERS = ["speaker", "attendee", "other_attendee"]
OUTSIDE = ["waitlisted", "pending", "outsider", "removed"]


@pytest.fixture(autouse=True)
def _quick_presence(settings):
    settings.REALTIME_PRESENCE_INTERVAL = 0.2


async def _next(ws, kind, *, event=None, timeout=5.0):
    """The next frame of `kind` (and event type), skipping presence and others."""
    deadline = time.monotonic() + timeout
    skipped = getattr(ws, "skipped", [])
    while True:
        if skipped:
            frame = skipped.pop(0)
        else:
            frame = await ws.receive_json_from(timeout=max(0.01, deadline - time.monotonic()))
        if frame["type"] == kind and (event is None or frame.get("event") == event):
            return frame


async def _action(ws, action, data, client_id):
    await ws.send_json_to({"type": "action", "action": action, "data": data, "id": client_id})
    deadline = time.monotonic() + 5
    while True:
        frame = await ws.receive_json_from(timeout=max(0.01, deadline - time.monotonic()))
        if frame["type"] in {"ack", "error"} and frame.get("id") == client_id:
            return frame
        if frame["type"] != "presence":  # kept for _next
            ws.skipped = [*getattr(ws, "skipped", []), frame]


async def test_who_may_subscribe_to_the_room_and_its_backstage(room):
    backstage = f"webinar_backstage:{room.event.pk}"
    for name in INSIDE + OUTSIDE:
        ws = await open_socket(getattr(room, name))
        frames = await subscribe(ws, room.topic)
        expected = "subscribed" if name in INSIDE else "error"
        assert frames[-1]["type"] == expected, name
        frames = await subscribe(ws, backstage)
        assert frames[-1]["type"] == ("subscribed" if name in HOSTS else "error"), name
        await ws.disconnect()


async def test_a_chat_message_reaches_the_host_live_and_a_retry_is_stored_once(room):
    host = await open_socket(room.host)
    await subscribe(host, room.topic)
    anna = await open_socket(room.attendee)
    await subscribe(anna, room.topic)
    data = {"event": room.event.pk, "body": "Hello from Anna"}
    ack = await _action(anna, "room.chat.send", data, "c-42")
    assert ack["type"] == "ack", ack
    assert ack["result"]["created"] is True
    assert ack["result"]["message"]["body"] == "Hello from Anna"
    seen = await _next(host, "event", event="chat.message")
    assert seen["data"]["id"] == ack["result"]["message_id"]
    assert seen["data"]["author"] == {
        "id": room.attendee.pk,
        "name": "Anna Attendee",
        "role": "attendee",
    }
    again = await _action(anna, "room.chat.send", data, "c-42")
    assert again["result"] == {**ack["result"], "created": False}
    assert await sync_to_async(ChatMessage.objects.filter(author=room.attendee).count)() == 1
    bad = await _action(anna, "room.chat.send", {"event": room.event.pk, "body": " "}, "c-43")
    assert (bad["type"], bad["code"]) == ("error", "invalid")
    assert bad["fields"]["body"]
    await host.disconnect()
    await anna.disconnect()


async def test_slow_mode_answers_an_error_frame_saying_how_long(room):
    await sync_to_async(room_services.room_settings_update)(
        host=room.host, event=room.event, chat_slow_mode_seconds=60
    )
    anna = await open_socket(room.attendee)
    first = await _action(anna, "room.chat.send", {"event": room.event.pk, "body": "1"}, "s-1")
    assert first["type"] == "ack"
    second = await _action(anna, "room.chat.send", {"event": room.event.pk, "body": "2"}, "s-2")
    assert (second["type"], second["code"]) == ("error", "invalid")
    assert "Slow mode is on: wait" in second["fields"]["body"][0]
    await anna.disconnect()


def _action_cases(room):
    """(action, data, expected for hosts) with data that is valid for a host."""
    event = room.event.pk
    return [
        ("room.settings.update", {"event": event, "chat_slow_mode_seconds": 3}, "ack"),
        (
            "room.person.role",
            {"event": event, "user": room.other_attendee.pk, "role": "speaker"},
            "ack",
        ),
        (
            "room.person.role",
            {"event": event, "user": room.other_attendee.pk, "role": "attendee"},
            "ack",
        ),
        ("room.chat.hide", {"event": event, "message": 0}, "error"),  # filled in below
    ]


async def test_every_socket_action_checks_who_may_do_it(room):
    message = await sync_to_async(ChatMessage.objects.create)(
        event=room.event, author=room.other_attendee, body="Spam"
    )
    cases = _action_cases(room)
    cases[-1] = ("room.chat.hide", {"event": room.event.pk, "message": message.pk}, "ack")
    cases.append(("room.chat.send", {"event": room.event.pk, "body": "hi"}, "ack"))
    host_only = {c[0] for c in cases} - {"room.chat.send"}
    n = 0
    for name in OUTSIDE + MEMBERS + HOSTS:
        ws = await open_socket(getattr(room, name))
        for action, data, _ in cases:
            n += 1
            frame = await _action(ws, action, data, f"a-{n}")
            if name in OUTSIDE:
                assert (frame["type"], frame.get("code")) == ("error", "not_found"), (name, action)
            elif name in MEMBERS and action in host_only:
                assert (frame["type"], frame.get("code")) == ("error", "forbidden"), (name, action)
            else:
                assert frame["type"] == "ack", (name, action, frame)
        await ws.disconnect()
    # The destructive ones: members and outsiders are refused, then a host succeeds.
    for action, data in (
        ("room.person.remove", {"event": room.event.pk, "user": room.attendee.pk}),
        ("room.end", {"event": room.event.pk}),
    ):
        for name in OUTSIDE + MEMBERS:
            ws = await open_socket(getattr(room, name))
            n += 1
            frame = await _action(ws, action, data, f"a-{n}")
            assert frame["type"] == "error", (name, action)
            # The attendee is out once removed (by the first of these two).
            outside = name in OUTSIDE or (name == "attendee" and action == "room.end")
            assert frame["code"] == ("not_found" if outside else "forbidden"), (name, action)
            await ws.disconnect()
        removed = await sync_to_async(RoomRemoval.objects.filter(user=room.attendee).exists)()
        assert removed == (action == "room.end")  # not by any of them
        ws = await open_socket(room.host)
        n += 1
        assert (await _action(ws, action, data, f"a-{n}"))["type"] == "ack", action
        await ws.disconnect()


async def test_a_removed_person_is_cut_within_two_seconds_and_stays_out(room):
    anna = await open_socket(room.attendee)
    await subscribe(anna, room.topic)
    host = await open_socket(room.host)
    await subscribe(host, room.topic)
    started = time.monotonic()
    ack = await _action(
        host, "room.person.remove", {"event": room.event.pk, "user": room.attendee.pk}, "r-1"
    )
    assert ack["type"] == "ack"
    cut = await _next(anna, "unsubscribed", timeout=2)
    assert time.monotonic() - started < 2
    assert (cut["topic"], cut["reason"]) == (room.topic, "access_revoked")
    changed = await _next(host, "event", event="room.role_changed")
    assert changed["data"] == {"user_id": room.attendee.pk, "role": "removed"}
    # Out for good: no resubscribe, and what they send is not stored.
    assert (await subscribe(anna, room.topic))[-1]["code"] == "not_found"
    late = await _action(anna, "room.chat.send", {"event": room.event.pk, "body": "x"}, "r-2")
    assert late["code"] == "not_found"
    assert not await sync_to_async(ChatMessage.objects.filter(author=room.attendee).exists)()
    await anna.disconnect()
    await host.disconnect()


async def test_ending_the_room_tells_everyone_then_cuts_every_socket(room):
    sockets = {}
    for name in ("host", "speaker", "attendee", "staff"):
        sockets[name] = await open_socket(getattr(room, name))
        await subscribe(sockets[name], room.topic)
    ack = await _action(sockets["host"], "room.end", {"event": room.event.pk}, "e-1")
    assert ack == {"type": "ack", "action": "room.end", "id": "e-1", "result": {"ended": True}}
    for name, ws in sockets.items():
        updated = await _next(ws, "event", event="room.updated")
        assert updated["data"]["ended"] is True, name
        cut = await _next(ws, "unsubscribed", timeout=2)
        assert cut["reason"] == "access_revoked", name
        await ws.disconnect()


async def test_hosts_see_who_is_in_the_room_and_attendees_only_how_many(room):
    host = await open_socket(room.host)
    await subscribe(host, room.topic)
    anna = await open_socket(room.attendee)
    await subscribe(anna, room.topic)
    assert anna.presence["users"] == []
    assert anna.presence["count"] == 2
    while True:
        frame = await _next(host, "presence")
        if frame["count"] == 2:
            break
    assert sorted(u["name"] for u in frame["users"]) == ["Anna Attendee", "Hugo Host"]
    # The state endpoint gives hosts the same people with their roles.
    from django.test import Client

    @sync_to_async
    def state(user):
        client = Client()
        client.force_login(user)
        return client.get(f"/api/v1/events/{room.event.pk}/room/").json()

    people = (await state(room.host))["people"]
    assert sorted((p["name"], p["role"]) for p in people) == [
        ("Anna Attendee", "attendee"),
        ("Hugo Host", "host"),
    ]
    assert (await state(room.attendee))["people"] == []
    await asyncio.gather(host.disconnect(), anna.disconnect())
