"""The live protocol through the full ASGI app: docs/realtime.md is the spec."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection, transaction

from config.asgi import application
from realtime.events import event_append
from realtime.models import Event, TopicCounter
from realtime.services import subscription_revoke
from tests.factories import UserFactory
from tests.realtime.conftest import ORIGIN, PROBE_ACCESS, login_cookie, open_socket, subscribe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]


@sync_to_async
def append(topic: str, type: str = "thing.happened", **data):
    with transaction.atomic():
        return event_append(topic=topic, type=type, data=data).seq


@sync_to_async
def make_user():
    return UserFactory()


async def test_ping_and_malformed_frames():
    user = await make_user()
    ws = await open_socket(user)
    await ws.send_json_to({"type": "ping", "id": 7})
    assert await ws.receive_json_from() == {"type": "pong", "id": 7}
    await ws.send_to(text_data="not json")
    assert (await ws.receive_json_from())["code"] == "bad_frame"
    await ws.send_to(text_data="[1, 2]")
    assert (await ws.receive_json_from())["code"] == "bad_frame"
    await ws.send_json_to({"type": "dance"})
    assert (await ws.receive_json_from())["code"] == "unknown_type"
    await ws.send_to(text_data='{"type": "ping", "pad": "' + "x" * 70_000 + '"}')
    assert (await ws.receive_json_from())["code"] == "frame_too_large"
    await ws.disconnect()


async def test_live_event_reaches_subscriber_with_sequence():
    user = await make_user()
    ws = await open_socket(user)
    frames = await subscribe(ws, f"user:{user.pk}")
    assert frames == [{"type": "subscribed", "topic": f"user:{user.pk}", "seq": 0, "id": None}]
    await append(f"user:{user.pk}", text="hello")
    event = await ws.receive_json_from()
    assert event["type"] == "event"
    assert (event["topic"], event["seq"], event["event"]) == (
        f"user:{user.pk}",
        1,
        "thing.happened",
    )
    assert event["data"] == {"text": "hello"}
    await ws.disconnect()


async def test_foreign_and_unknown_topics_look_the_same():
    user, other = await make_user(), await make_user()
    ws = await open_socket(user)
    for topic in [f"user:{other.pk}", "nosuchkind:1", "user:", "probe:secret"]:
        frames = await subscribe(ws, topic)
        assert frames[-1]["type"] == "error"
        assert frames[-1]["code"] == "not_found"
    # A topic that is not a string is a malformed field, not a missing topic.
    assert (await subscribe(ws, 42))[-1]["code"] == "invalid"
    await ws.disconnect()


async def test_since_replays_missed_events_then_goes_live_without_duplicates():
    user = await make_user()
    topic = f"user:{user.pk}"
    for n in range(5):
        await append(topic, n=n)
    ws = await open_socket(user)
    frames = await subscribe(ws, topic, since=2)
    assert [f["seq"] for f in frames if f["type"] == "event"] == [3, 4, 5]
    assert frames[-1] == {"type": "subscribed", "topic": topic, "seq": 5, "id": None}
    await append(topic, n=5)
    assert (await ws.receive_json_from())["seq"] == 6
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_since_beyond_the_log_requires_resync():
    user = await make_user()
    topic = f"user:{user.pk}"
    await append(topic)
    ws = await open_socket(user)
    frames = await subscribe(ws, topic, since=99)
    assert frames[0] == {"type": "resync_required", "topic": topic, "seq": 1}
    await ws.send_json_to({"type": "unsubscribe", "topic": topic})
    assert (await ws.receive_json_from())["type"] == "unsubscribed"
    # Pruned history: the log no longer holds event 1.
    await sync_to_async(Event.objects.filter(topic=topic).delete)()
    await append(topic)
    frames = await subscribe(ws, topic, since=0)
    assert frames[0] == {"type": "resync_required", "topic": topic, "seq": 2}
    await ws.disconnect()


async def test_lost_broadcast_is_filled_from_the_log(monkeypatch):
    user = await make_user()
    topic = f"user:{user.pk}"
    ws = await open_socket(user)
    await subscribe(ws, topic)
    # The channel layer drops the broadcast of event 1 (at-most-once delivery)...
    monkeypatch.setattr("realtime.events.broadcast_event", lambda event: None)
    await append(topic, n=1)
    assert await ws.receive_nothing(timeout=0.2)
    monkeypatch.undo()
    # ...so event 2's arrival reveals the gap, and the socket fills it from the log.
    await append(topic, n=2)
    assert [(await ws.receive_json_from())["seq"] for _ in range(2)] == [1, 2]
    await ws.disconnect()


async def test_revoked_access_cuts_the_subscription():
    user = await make_user()
    PROBE_ACCESS["room1"] = {user.pk}
    ws = await open_socket(user)
    assert (await subscribe(ws, "probe:room1"))[-1]["type"] == "subscribed"
    PROBE_ACCESS["room1"] = set()

    @sync_to_async
    def revoke():
        with transaction.atomic():
            subscription_revoke(user_ids=[user.pk], topic="probe:room1")

    await revoke()
    frame = await ws.receive_json_from(timeout=2)
    assert frame == {"type": "unsubscribed", "topic": "probe:room1", "reason": "access_revoked"}
    await append("probe:room1", text="secret")
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_logout_closes_that_sessions_sockets():
    user = await make_user()
    client, cookie = await sync_to_async(login_cookie)(user)
    ws = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN, (b"cookie", cookie)])
    assert (await ws.connect())[0]
    await ws.receive_json_from()
    other_session = await open_socket(user)
    await sync_to_async(client.logout)()
    assert await ws.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
    await other_session.send_json_to({"type": "ping"})
    assert (await other_session.receive_json_from())["type"] == "pong"
    await other_session.disconnect()


async def test_anonymous_socket_is_closed_with_4401():
    ws = WebsocketCommunicator(application, "/ws/", headers=[ORIGIN])
    assert (await ws.connect())[0]
    assert await ws.receive_output() == {"type": "websocket.close", "code": 4401}


async def test_foreign_origin_and_missing_origin_are_refused():
    user = await make_user()
    _, cookie = await sync_to_async(login_cookie)(user)
    for headers in (
        [(b"origin", b"https://evil.example.com"), (b"cookie", cookie)],
        [(b"cookie", cookie)],
    ):
        ws = WebsocketCommunicator(application, "/ws/", headers=headers)
        connected, _ = await ws.connect()
        assert not connected


async def test_native_client_ticket_is_single_use(api_client):
    user = await make_user()

    @sync_to_async
    def get_ticket():
        api_client.force_authenticate(user)
        response = api_client.post("/api/v1/realtime/ticket/")
        assert response.status_code == 201
        return response.json()["ticket"]

    ticket = await get_ticket()
    ws = WebsocketCommunicator(application, f"/ws/?ticket={ticket}")
    assert (await ws.connect())[0]
    welcome = await ws.receive_json_from()
    assert welcome["user_id"] == user.pk
    await ws.disconnect()
    reused = WebsocketCommunicator(application, f"/ws/?ticket={ticket}")
    assert (await reused.connect())[0]
    assert await reused.receive_output() == {"type": "websocket.close", "code": 4401}


async def test_ticket_endpoint_requires_authentication(api_client):
    response = await sync_to_async(api_client.post)("/api/v1/realtime/ticket/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["message"]


async def test_subscription_limit(settings):
    settings.REALTIME_MAX_SUBSCRIPTIONS = 2
    user = await make_user()
    for key in ("a", "b", "c"):
        PROBE_ACCESS[key] = {user.pk}
    ws = await open_socket(user)
    assert (await subscribe(ws, "probe:a"))[-1]["type"] == "subscribed"
    assert (await subscribe(ws, "probe:b"))[-1]["type"] == "subscribed"
    assert (await subscribe(ws, "probe:c"))[-1]["code"] == "too_many_subscriptions"
    await ws.send_json_to({"type": "unsubscribe", "topic": "probe:a"})
    assert (await ws.receive_json_from())["type"] == "unsubscribed"
    assert (await subscribe(ws, "probe:c"))[-1]["type"] == "subscribed"
    await ws.disconnect()


async def test_signals_reach_other_subscribers_and_are_not_logged():
    alice, bob = await make_user(), await make_user()
    PROBE_ACCESS["room"] = {alice.pk, bob.pk}
    a, b = await open_socket(alice), await open_socket(bob)
    await subscribe(a, "probe:room")
    await subscribe(b, "probe:room")
    await a.send_json_to({"type": "signal", "topic": "probe:room", "signal": "typing"})
    frame = await b.receive_json_from()
    assert frame["type"] == "signal"
    assert frame["signal"] == "typing"
    assert frame["user"]["id"] == alice.pk
    assert await a.receive_nothing(timeout=0.2)  # no echo to the sender
    # Throttled: a second typing signal right away is dropped.
    await a.send_json_to({"type": "signal", "topic": "probe:room", "signal": "typing"})
    assert await b.receive_nothing(timeout=0.2)
    await a.send_json_to({"type": "signal", "topic": "probe:room", "signal": "dance"})
    assert (await a.receive_json_from())["code"] == "invalid"
    assert not await sync_to_async(Event.objects.filter(topic="probe:room").exists)()
    await a.disconnect()
    await b.disconnect()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real row locks: SQLite's shared in-memory test database locks whole tables",
)
def test_concurrent_writers_get_gap_free_sequence_numbers(transactional_db):
    """Many threads append to one topic at once; every number is used exactly once."""
    import threading

    errors: list[BaseException] = []

    def writer():
        try:
            for _ in range(10):
                with transaction.atomic():
                    event_append(topic="probe:race", type="x", data={})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = list(Event.objects.filter(topic="probe:race").values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, 81))
    assert TopicCounter.objects.get(topic="probe:race").last_seq == 80


def test_prune_events_keeps_recent_history(transactional_db):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    with transaction.atomic():
        old = event_append(topic="probe:prune", type="x", data={})
        event_append(topic="probe:prune", type="x", data={})
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    call_command("prune_events", days=30)
    assert list(Event.objects.filter(topic="probe:prune").values_list("seq", flat=True)) == [2]


def test_socket_tickets_are_rate_limited_per_person(api_client, settings, db):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "socket_ticket": "3/minute",
        },
    }
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        api_client.force_authenticate(UserFactory())
        codes = [api_client.post("/api/v1/realtime/ticket/").status_code for _ in range(4)]
        assert codes == [201, 201, 201, 429]
    finally:
        from rest_framework.settings import api_settings

        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


async def test_nothing_is_sent_after_the_server_closed_the_socket():
    """Frames queued behind the one that got the socket closed (4408) are not answered: on
    a real server, writing to the closed protocol raised inside the application."""
    ws = await open_socket(await sync_to_async(UserFactory)())
    for _ in range(21):
        await ws.send_to(text_data="not json")
    await ws.send_to(text_data='{"type": "ping", "id": "late"}')  # queued behind the close
    outputs = []
    while True:
        output = await ws.receive_output(timeout=5)
        outputs.append(output)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == 4408
    assert await ws.receive_nothing(timeout=0.5)
    assert not any("late" in item.get("text", "") for item in outputs)


@pytest.mark.parametrize(
    ("accept", "cookie", "language"),
    [
        (b"de-DE,de;q=0.9,en;q=0.5", b"", "de"),
        (b"ja", b"", "en"),  # not offered: the site's default
        (b"de", b"django_language=fr; ", "fr"),  # the language switcher's choice wins
    ],
)
async def test_a_socket_answers_in_the_language_of_its_handshake(accept, cookie, language):
    user = await sync_to_async(UserFactory)()
    _, session = await sync_to_async(login_cookie)(user)
    headers = [ORIGIN, (b"accept-language", accept), (b"cookie", cookie + session)]
    ws = await open_socket(headers=headers)
    assert (await ws.receive_json_from())["type"] == "welcome"
    await ws.send_json_to({"type": "action", "action": "probe.write", "id": "x"})
    reply = await ws.receive_json_from(timeout=5)
    assert reply["result"]["language"] == language
    await ws.disconnect()


async def test_a_persons_saved_language_wins_over_the_handshake():
    user = await sync_to_async(UserFactory)(language="it")
    _, session = await sync_to_async(login_cookie)(user)
    cookie = b"django_language=fr; " + session
    ws = await open_socket(headers=[ORIGIN, (b"accept-language", b"de"), (b"cookie", cookie)])
    assert (await ws.receive_json_from())["type"] == "welcome"
    await ws.send_json_to({"type": "action", "action": "probe.write", "id": "x"})
    reply = await ws.receive_json_from(timeout=5)
    assert reply["result"]["language"] == "it"
    await ws.disconnect()


@pytest.mark.parametrize("tail", ["\n", "\r\n", " ", "\x00"])
def test_a_topic_with_anything_after_its_key_is_no_topic(tail):
    """`$` also matched before a final newline: "user:1\\n" passed as a topic and reached the
    channel layer, which refuses such a group name (an exception instead of an error frame)."""
    from realtime.topics import parse_topic

    assert parse_topic("user:1") is not None
    assert parse_topic(f"user:1{tail}") is None
