"""ClusterXchange on the live layer.

Twice for each feature (house style): fast tests that a service schedules the right
broadcast on commit, and socket tests through the full ASGI application.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction

from messaging.models import Block, Message
from messaging.services import conversations as conversation_services
from messaging.services import inbox as inbox_services
from messaging.services import messages as message_services
from notifications.outbox import outbox_run
from realtime.models import Event
from tests.factories import UserFactory
from tests.messaging.conversation_support import (
    Broadcasts,
    group,
    one_to_one,
    record_broadcasts,
    send,
)
from tests.realtime.conftest import open_socket, subscribe


@pytest.fixture
def broadcasts(monkeypatch) -> Broadcasts:
    return record_broadcasts(monkeypatch)


# --- on commit: the service schedules the right broadcast -----------------------------


@pytest.mark.django_db
def test_send_broadcasts_message_and_inbox_after_commit(
    broadcasts, django_capture_on_commit_callbacks
):
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    broadcasts.sent.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = send(anna, conversation, "hi")
    assert broadcasts.sent == []  # nothing leaves before commit
    for callback in callbacks:
        callback()
    assert broadcasts.events() == [
        (f"t.conversation.{conversation.pk}", "message.created"),
        (f"t.user.{marc.pk}", "inbox.updated"),
    ]
    (created,) = broadcasts.data(f"t.conversation.{conversation.pk}", "message.created")
    assert created["id"] == message.pk
    assert created["sender"]["id"] == anna.pk
    (inbox,) = broadcasts.data(f"t.user.{marc.pk}", "inbox.updated")
    assert inbox == {
        "conversation": conversation.pk,
        "unread": 1,
        "total_unread": 1,
        "unread_conversations": 1,
        "preview": "hi",
        "message_id": message.pk,
        "sender": {"id": anna.pk, "name": anna.display_name},
        "last_message_at": message.created_at.isoformat(),
        "muted": False,
        "archived": False,
    }
    # The bell follows when the worker writes the notification (notifications.outbox).
    broadcasts.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_run() == 1
    assert broadcasts.events() == [(f"t.user.{marc.pk}", "notification.created")]


@pytest.mark.django_db
def test_retry_and_rollback_broadcast_nothing(broadcasts, django_capture_on_commit_callbacks):
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    send(anna, conversation, "hi", client_id="once")
    broadcasts.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            send(anna, conversation, "hi", client_id="once")
    assert broadcasts.sent == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        sid = transaction.savepoint()
        send(anna, conversation, "rolled back")
        transaction.savepoint_rollback(sid)
    assert not Message.objects.filter(body="rolled back").exists()


@pytest.mark.django_db
def test_remove_revokes_the_subscription_after_commit(
    broadcasts, django_capture_on_commit_callbacks
):
    anna, marc, lea = UserFactory(), UserFactory(), UserFactory()
    team = group(anna, marc, lea)
    broadcasts.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conversation_services.participant_remove(actor=anna, conversation=team, user=lea)
    assert broadcasts.rechecks() == [(f"u.{lea.pk}", team.topic)]
    topic_events = [e for _, e in broadcasts.events(f"t.conversation.{team.pk}")]
    assert topic_events == ["participant.removed", "message.created"]
    assert [e for _, e in broadcasts.events(f"t.user.{lea.pk}")] == ["conversation.left"]


@pytest.mark.django_db
def test_mark_read_broadcasts_receipt_and_inbox(broadcasts, django_capture_on_commit_callbacks):
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    message = send(anna, conversation, "read me")
    outbox_run()  # the worker writes Marc's notification
    broadcasts.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        inbox_services.conversation_mark_read(
            user=marc, conversation=conversation, message_id=message.pk
        )
    assert broadcasts.events() == [
        (f"t.conversation.{conversation.pk}", "receipt.updated"),
        (f"t.user.{marc.pk}", "inbox.updated"),
        # Caught up: the message's notification is read too (the bell's count drops).
        (f"t.user.{marc.pk}", "notifications.unread"),
    ]
    (inbox,) = broadcasts.data(f"t.user.{marc.pk}", "inbox.updated")
    assert (inbox["unread"], inbox["total_unread"]) == (0, 0)


@pytest.mark.django_db
def test_edit_and_delete_broadcast(broadcasts, django_capture_on_commit_callbacks):
    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    message = send(anna, conversation, "draft")
    broadcasts.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_services.message_edit(user=anna, message=message, body="final")
        message_services.message_delete(user=anna, message=message)
    assert [e for _, e in broadcasts.events()] == ["message.edited", "message.deleted"]


# --- through the socket ---------------------------------------------------------------

live = pytest.mark.django_db(transaction=True)
pytestmark = pytest.mark.usefixtures("stop_hub_after")


@sync_to_async
def make_users(n: int):
    return [UserFactory(full_name=f"Person {i}") for i in range(n)]


@sync_to_async
def make_one_to_one(a, b):
    return one_to_one(a, b)


@sync_to_async
def make_group(admin, *others):
    return group(admin, *others)


def early_frames(ws) -> list[dict]:
    """Frames `action` read before the ack: events of the action may overtake its ack."""
    if not hasattr(ws, "early_frames"):
        ws.early_frames = []
    return ws.early_frames


async def next_frame(ws, type_: str, timeout: float = 2) -> dict:
    """The next frame of `type_`, skipping others (e.g. inbox events)."""
    early = early_frames(ws)
    while True:
        frame = early.pop(0) if early else await ws.receive_json_from(timeout=timeout)
        if frame["type"] == type_:
            return frame


async def next_event(ws, event: str, timeout: float = 2) -> dict:
    while True:
        frame = await next_frame(ws, "event", timeout)
        if frame["event"] == event:
            return frame


async def action(ws, name: str, data: dict, id_: str) -> dict:
    await ws.send_json_to({"type": "action", "action": name, "id": id_, "data": data})
    while True:
        frame = await ws.receive_json_from(timeout=3)
        if frame["type"] in {"ack", "error"} and frame.get("id") == id_:
            return frame
        early_frames(ws).append(frame)


@live
async def test_non_participant_cannot_subscribe():
    anna, marc, eve = await make_users(3)
    conversation = await make_one_to_one(anna, marc)
    ws = await open_socket(eve)
    frames = await subscribe(ws, conversation.topic)
    assert frames[-1]["code"] == "not_found"
    for topic in ["conversation:999999", "conversation:abc"]:
        assert (await subscribe(ws, topic))[-1]["code"] == "not_found"
    await ws.disconnect()
    ws = await open_socket(anna)
    assert (await subscribe(ws, conversation.topic))[-1]["type"] == "subscribed"
    await ws.disconnect()


@live
async def test_participant_receives_message_live_and_sender_gets_ack():
    anna, marc = await make_users(2)
    conversation = await make_one_to_one(anna, marc)
    anna_ws, marc_ws = await open_socket(anna), await open_socket(marc)
    await subscribe(marc_ws, conversation.topic)
    await subscribe(marc_ws, f"user:{marc.pk}")
    ack = await action(
        anna_ws, "message.send", {"conversation": conversation.pk, "body": "Hi **Marc**"}, "c-1"
    )
    assert ack["type"] == "ack", ack
    assert ack["result"]["created"] is True
    message_id = ack["result"]["message_id"]
    event = await next_event(marc_ws, "message.created")
    assert event["topic"] == conversation.topic
    assert event["data"]["id"] == message_id
    assert event["data"]["client_id"] == "c-1"
    assert "<strong>Marc</strong>" in event["data"]["body_html"]
    assert event["data"]["sender"] == {"id": anna.pk, "name": "Person 0"}
    inbox = await next_event(marc_ws, "inbox.updated")
    assert inbox["data"]["unread"] == 1
    await anna_ws.disconnect()
    await marc_ws.disconnect()


@live
async def test_five_socket_retries_store_one_message():
    anna, marc = await make_users(2)
    conversation = await make_one_to_one(anna, marc)
    ws = await open_socket(anna)
    acks = [
        await action(ws, "message.send", {"conversation": conversation.pk, "body": "x"}, "same")
        for _ in range(5)
    ]
    assert {a["result"]["message_id"] for a in acks} == {acks[0]["result"]["message_id"]}
    assert [a["result"]["created"] for a in acks] == [True, False, False, False, False]
    count = await sync_to_async(Message.objects.filter(conversation=conversation).count)()
    assert count == 1
    await ws.disconnect()


@live
async def test_removed_participant_is_cut_off_within_two_seconds():
    anna, marc, lea = await make_users(3)
    team = await make_group(anna, marc, lea)
    lea_ws = await open_socket(lea)
    assert (await subscribe(lea_ws, team.topic))[-1]["type"] == "subscribed"
    await sync_to_async(conversation_services.participant_remove)(
        actor=anna, conversation=team, user=lea
    )
    removed = await next_event(lea_ws, "participant.removed")
    assert removed["data"]["user"]["id"] == lea.pk
    frame = await next_frame(lea_ws, "unsubscribed", timeout=2)
    assert frame == {"type": "unsubscribed", "topic": team.topic, "reason": "access_revoked"}
    await sync_to_async(send)(anna, team, "after lea left")
    assert await lea_ws.receive_nothing(timeout=0.3)
    # And she cannot come back.
    assert (await subscribe(lea_ws, team.topic))[-1]["code"] == "not_found"
    await lea_ws.disconnect()


@live
async def test_typing_signal_is_relayed_to_the_others():
    anna, marc = await make_users(2)
    conversation = await make_one_to_one(anna, marc)
    anna_ws, marc_ws = await open_socket(anna), await open_socket(marc)
    await subscribe(anna_ws, conversation.topic)
    await subscribe(marc_ws, conversation.topic)
    await anna_ws.send_json_to(
        {"type": "signal", "topic": conversation.topic, "signal": "typing", "data": {}}
    )
    frame = await marc_ws.receive_json_from(timeout=2)
    assert frame["type"] == "signal"
    assert frame["signal"] == "typing"
    assert frame["user"]["id"] == anna.pk
    assert await anna_ws.receive_nothing(timeout=0.2)  # not echoed to the typist
    await anna_ws.send_json_to(
        {"type": "signal", "topic": conversation.topic, "signal": "shouting", "data": {}}
    )
    assert (await anna_ws.receive_json_from())["code"] == "invalid"
    await anna_ws.disconnect()
    await marc_ws.disconnect()


@live
async def test_read_receipts_are_live():
    anna, marc = await make_users(2)
    conversation = await make_one_to_one(anna, marc)
    message = await sync_to_async(send)(anna, conversation, "did you read this?")
    anna_ws, marc_ws = await open_socket(anna), await open_socket(marc)
    await subscribe(anna_ws, conversation.topic)
    await subscribe(marc_ws, f"user:{marc.pk}")
    ack = await action(
        marc_ws,
        "conversation.read",
        {"conversation": conversation.pk, "message_id": message.pk},
        "r",
    )
    assert ack["result"] == {
        "conversation": conversation.pk,
        "message_id": message.pk,
        "unread": 0,
        "total_unread": 0,
        "unread_conversations": 0,
    }
    receipt = await next_event(anna_ws, "receipt.updated")
    assert receipt["data"] == {
        "conversation": conversation.pk,
        "user": {"id": marc.pk, "name": "Person 1"},
        "message_id": message.pk,
    }
    inbox = await next_event(marc_ws, "inbox.updated")
    assert inbox["data"]["unread"] == 0
    await anna_ws.disconnect()
    await marc_ws.disconnect()


@live
async def test_edit_and_delete_over_the_socket_reach_the_others():
    anna, marc = await make_users(2)
    conversation = await make_one_to_one(anna, marc)
    anna_ws, marc_ws = await open_socket(anna), await open_socket(marc)
    await subscribe(marc_ws, conversation.topic)
    sent = await action(
        anna_ws, "message.send", {"conversation": conversation.pk, "body": "draft"}, "e-1"
    )
    message_id = sent["result"]["message_id"]
    await next_event(marc_ws, "message.created")
    denied = await action(marc_ws, "message.edit", {"message": message_id, "body": "x"}, "m-1")
    assert denied["code"] == "forbidden"
    edit = await action(anna_ws, "message.edit", {"message": message_id, "body": "final"}, "e-2")
    assert edit["type"] == "ack"
    edited = await next_event(marc_ws, "message.edited")
    assert (edited["data"]["id"], edited["data"]["body"]) == (message_id, "final")
    await action(anna_ws, "message.delete", {"message": message_id}, "e-3")
    deleted = await next_event(marc_ws, "message.deleted")
    assert deleted["data"]["id"] == message_id
    await anna_ws.disconnect()
    await marc_ws.disconnect()


@live
async def test_blocked_sender_is_refused_over_the_socket():
    anna, marc = await make_users(2)
    conversation = await make_one_to_one(anna, marc)
    await sync_to_async(Block.objects.create)(blocker=marc, blocked=anna)
    ws = await open_socket(anna)
    reply = await action(ws, "message.send", {"conversation": conversation.pk, "body": "hi"}, "b")
    assert reply["type"] == "error"
    assert reply["code"] == "forbidden"
    assert "does not accept messages from you" in reply["message"]
    assert not await sync_to_async(Message.objects.exists)()
    await ws.disconnect()


@live
async def test_bad_action_data_and_foreign_conversation():
    anna, marc, eve = await make_users(3)
    conversation = await make_one_to_one(anna, marc)
    ws = await open_socket(eve)
    hidden = await action(ws, "message.send", {"conversation": conversation.pk, "body": "x"}, "1")
    assert hidden["code"] == "not_found"
    ws2 = await open_socket(anna)
    bad = await action(ws2, "message.send", {"conversation": "one", "body": "x"}, "2")
    assert bad["code"] == "invalid"
    assert "conversation" in bad["fields"]
    empty = await action(ws2, "message.send", {"conversation": conversation.pk, "body": ""}, "3")
    assert empty["code"] == "invalid"
    assert "body" in empty["fields"]
    await ws.disconnect()
    await ws2.disconnect()


@live
async def test_presence_heartbeat_and_query():
    anna, marc, eve = await make_users(3)
    await make_one_to_one(anna, marc)
    marc_ws, anna_ws = await open_socket(marc), await open_socket(anna)
    beat = await action(marc_ws, "presence.heartbeat", {}, "hb")
    assert beat["result"] == {"online": True, "ttl": 75}
    await action(await open_socket(eve), "presence.heartbeat", {}, "hb2")
    reply = await action(anna_ws, "presence.query", {"user_ids": [marc.pk, eve.pk]}, "q")
    # Eve shares no conversation with Anna: left out.
    assert reply["result"] == {str(marc.pk): True}
    too_many = await action(anna_ws, "presence.query", {"user_ids": list(range(1, 102))}, "q2")
    assert too_many["code"] == "invalid"
    await marc_ws.disconnect()
    await anna_ws.disconnect()


@live
async def test_new_conversation_appears_in_the_inbox_live():
    anna, marc = await make_users(2)
    ws = await open_socket(marc)
    await subscribe(ws, f"user:{marc.pk}")
    conversation = await make_one_to_one(anna, marc)
    created = await next_event(ws, "conversation.created")
    assert created["data"]["id"] == conversation.pk
    assert created["data"]["topic"] == conversation.topic
    assert {p["id"] for p in created["data"]["participants"]} == {anna.pk, marc.pk}
    await ws.disconnect()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real row locks: SQLite's shared in-memory test database locks whole tables",
)
def test_concurrent_retries_store_one_message(transactional_db):
    """Five copies of one send racing each other (a client retrying on five sockets)."""
    import threading

    anna, marc = UserFactory(), UserFactory()
    conversation = one_to_one(anna, marc)
    barrier = threading.Barrier(5)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def retry() -> None:
        try:
            barrier.wait()
            message, created = message_services.message_send(
                sender=anna, conversation=conversation, body="once", client_id="race"
            )
            results.append((message.pk, created))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, False, True]
    assert Message.objects.filter(conversation=conversation).count() == 1
    created_events = Event.objects.filter(topic=conversation.topic, type="message.created")
    assert created_events.count() == 1
