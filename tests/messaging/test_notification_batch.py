"""The drain notifies a pass's messages together (notify_many): the same notifications,
deliveries and badge events as one message at a time, in a few statements per pass."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messaging.models import Message
from messaging.services.blocks import user_block
from messaging.services.inbox import conversation_mark_read, conversation_mute
from messaging.services.messages import message_notifications_drain
from notifications.models import Delivery, DeliverySettings, Notification, PushSubscription
from notifications.selectors import unread_count_for
from notifications.services import preference_set
from realtime.models import Event
from tests.factories import UserFactory
from tests.messaging.conversation_support import group, one_to_one, send

pytestmark = pytest.mark.django_db


def world() -> tuple[dict[str, Any], list[Message]]:
    """People, conversations and a backlog of messages covering what notify decides."""
    now = timezone.now()
    people = {
        name: UserFactory(full_name=name.title(), language=language)
        for name, language in [
            ("anna", "en"),
            ("marc", "fr"),  # notified in French
            ("lea", "de"),
            ("eve", "en"),
            ("bob", "it"),
            ("paul", "es"),
            ("zoe", "en"),
        ]
    }
    p = people
    for n in (1, 2):  # paul's two devices, zoe's one
        PushSubscription.objects.create(
            user=p["paul"],
            endpoint=f"https://fcm.googleapis.com/{p['paul'].pk}/{n}",
            p256dh="k",
            auth="a",
        )
    PushSubscription.objects.create(
        user=p["zoe"], endpoint=f"https://fcm.googleapis.com/{p['zoe'].pk}/1", p256dh="k", auth="a"
    )
    # Zoe: inside her quiet hours now; e-mail on, the list off (hidden notifications).
    DeliverySettings.objects.create(
        user=p["zoe"],
        timezone="UTC",
        quiet_start=(now - timedelta(hours=1)).time().replace(second=0, microsecond=0),
        quiet_end=(now + timedelta(hours=1)).time().replace(second=0, microsecond=0),
    )
    preference_set(user=p["zoe"], kind="message.new", channel="email", enabled=True)
    preference_set(user=p["zoe"], kind="message.new", channel="in_app", enabled=False)
    conversations = {
        "anna-marc": one_to_one(p["anna"], p["marc"]),
        "team": group(p["anna"], p["marc"], p["lea"], p["eve"], title="Team"),
        "bob-paul": one_to_one(p["bob"], p["paul"]),
        "bob-zoe": one_to_one(p["bob"], p["zoe"]),
        "anna-eve": one_to_one(p["anna"], p["eve"]),
    }
    c = conversations
    conversation_mute(user=p["eve"], conversation=c["team"], muted=True)
    user_block(blocker=p["lea"], blocked=p["anna"])  # in the group: not told
    # The steady state: Marc and Paul have an unread notification of their pair already.
    send(p["anna"], c["anna-marc"], "Earlier")
    send(p["bob"], c["bob-paul"], "Earlier")
    while message_notifications_drain():
        pass
    backlog = [
        send(p["anna"], c["anna-marc"], "One"),
        send(p["bob"], c["bob-paul"], "Two"),
        send(p["anna"], c["team"], "Three"),
        send(p["anna"], c["anna-marc"], "Four"),  # coalesced with "One"
        send(p["bob"], c["bob-zoe"], "Five"),
        send(p["bob"], c["bob-paul"], "Six"),  # supersedes the pushes of "Two"
        send(p["bob"], c["bob-zoe"], "Seven"),  # hidden: a new one, not coalesced
        send(p["marc"], c["team"], "Eight"),
        send(p["anna"], c["anna-eve"], "Nine"),  # read before the worker passes
    ]
    conversation_mark_read(user=p["eve"], conversation=c["anna-eve"], message_id=backlog[-1].pk)
    return {"people": people, "conversations": conversations}, backlog


def snapshot(w: dict[str, Any], backlog: list[Message]) -> dict[str, Any]:
    """What the people were told, with ids replaced by names and positions."""
    role = {person.pk: name for name, person in w["people"].items()}
    place = {c.pk: name for name, c in w["conversations"].items()}
    sent = {m.pk: n for n, m in enumerate(backlog)}
    grace = timedelta(seconds=settings.WEBPUSH_CHAT_GRACE_SECONDS)
    rows = list(
        Notification.objects.filter(recipient_id__in=role, kind="message.new").order_by("pk")
    )
    position = {row.pk: n for n, row in enumerate(rows)}

    def data(d: dict[str, Any]) -> dict[str, Any]:
        return {
            **d,
            "message": sent.get(d["message"], "earlier"),
            "conversation": place[d["conversation"]],
        }

    def when(delivery: Delivery) -> str:
        if abs(delivery.due_at - delivery.created_at - grace) < timedelta(seconds=1):
            return "after the grace"
        if abs(delivery.due_at - delivery.created_at) < timedelta(seconds=1):
            return "now"
        return f"at {delivery.due_at:%H:%M}"  # the end of the quiet hours

    return {
        "notifications": [
            (
                role[row.recipient_id],
                role[row.actor_id],
                row.verb,
                row.unread,
                row.deleted_at is None,
                data(row.data),
                place[int(row.target_id)],
                row.group_key == f"conversation:{row.target_id}",
            )
            for row in rows
        ],
        "deliveries": [
            (
                position[d.notification_id],
                d.channel,
                (role[d.subscription.user_id], d.subscription.endpoint[-1])
                if d.subscription
                else "",
                d.status,
                d.last_error,
                when(d),
            )
            for d in Delivery.objects.filter(notification__in=rows).order_by("pk")
        ],
        "events": sorted(
            (
                role[int(e.topic.split(":")[1])],
                e.seq,
                e.type,
                e.data["unread_count"],
                position[e.data["notification"]["id"]],
                e.data["notification"]["verb"],
                e.data["notification"]["unread"],
                data(e.data["notification"]["data"]),
                e.data["notification"]["actor"]["name"],
            )
            for e in Event.objects.filter(
                topic__in=[f"user:{pk}" for pk in role], type="notification.created"
            )
            if e.data["notification"]["kind"] == "message.new"
        ),
    }


def test_a_pass_tells_the_same_as_one_message_at_a_time():
    first, backlog = world()
    assert message_notifications_drain(limit=50) == len(backlog)
    together = snapshot(first, backlog)

    w, backlog = world()
    for _message in backlog:
        assert message_notifications_drain(limit=1) == 1
    one_by_one = snapshot(w, backlog)

    assert together == one_by_one
    # And what that is, in its main lines:
    marc_pair = [n for n in together["notifications"] if n[0] == "marc" and n[6] == "anna-marc"]
    assert len(marc_pair) == 1
    assert marc_pair[0][5]["count"] == 3  # "Earlier", "One", "Four"
    assert marc_pair[0][5]["message"] == 3
    assert marc_pair[0][2] == "Nouveau message de Anna"
    # "Three": Lea blocked Anna, Eve muted, Marc read it (he wrote "Eight" after it).
    team = [(n[0], n[5]["message"]) for n in together["notifications"] if n[6] == "team"]
    assert sorted(team) == [("anna", 7), ("lea", 7)]
    assert not [n for n in together["notifications"] if n[0] == "eve"]  # read "Nine"
    zoe = [n for n in together["notifications"] if n[0] == "zoe"]
    assert [(n[4], n[5]["count"]) for n in zoe] == [(False, 1), (False, 1)]
    statuses = [(d[1], d[3], d[5]) for d in together["deliveries"]]
    # Paul's two devices: "Six" pending, "Earlier" and "Two" superseded.
    assert statuses.count(("push", "pending", "after the grace")) == 2
    assert statuses.count(("push", "skipped", "after the grace")) == 4
    # Zoe's push and e-mail of "Five" and "Seven" wait for the end of her quiet hours.
    assert sorted(s[:2] for s in statuses if s[2].startswith("at ")) == [
        ("email", "pending"),
        ("email", "pending"),
        ("push", "pending"),
        ("push", "pending"),
    ]
    # The badge: "One" and "Four" coalesce (no change), the last event is the count.
    marc_events = [e[3] for e in together["events"] if e[0] == "marc"]
    assert len(marc_events) == 3
    assert marc_events[0] == marc_events[1] == marc_events[2]
    for name, person in first["people"].items():
        badges = [e[3] for e in together["events"] if e[0] == name]
        if badges:
            assert badges[-1] == unread_count_for(person), name


def pairs_with_unread(n: int) -> list[tuple[Any, Any, Any]]:
    pairs = []
    for _ in range(n):
        a, b = UserFactory(), UserFactory()
        pairs.append((one_to_one(a, b), a, b))
        send(a, pairs[-1][0])
    while message_notifications_drain():
        pass
    return pairs


def statements_of_a_pass() -> tuple[int, int]:
    """Statements of one pass, and how many badge events it appended."""
    events = Event.objects.count()
    with CaptureQueriesContext(connection) as queries:
        message_notifications_drain(limit=50)
    return len(queries), Event.objects.count() - events


def test_a_pass_costs_a_few_statements_not_a_few_per_message():
    pairs = pairs_with_unread(12)
    send(pairs[0][1], pairs[0][0])
    one, events_one = statements_of_a_pass()
    for conversation, a, b in pairs:
        send(a, conversation)
        send(b, conversation)  # b replies (so b has read a's: only a is told)
    many, events_many = statements_of_a_pass()
    assert (events_one, events_many) == (1, 12)
    # The badge event is one statement per person told (two on SQLite: counter, row); the
    # rest of the pass does not grow with the messages.
    per_event = 1 if connection.vendor == "postgresql" else 2
    assert many - per_event * events_many <= one - per_event * events_one + 2


def test_a_failing_batch_is_notified_again_one_message_at_a_time(
    anna, marc, lea, pair, monkeypatch, caplog
):
    from messaging.services import messages

    other = one_to_one(lea, marc)
    broken = send(anna, pair, "Broken")
    send(lea, other, "Fine")
    real = messages.notify_many

    def failing_for_broken(notices):
        if any(notice.data["message"] == broken.pk for notice in notices):
            raise RuntimeError("this one cannot be written")
        return real(notices)

    monkeypatch.setattr(messages, "notify_many", failing_for_broken)
    with caplog.at_level(logging.ERROR, logger="messaging.services.messages"):
        assert message_notifications_drain() == 2
    assert f"Notifying the recipients of message {broken.pk} failed" in caplog.text
    (told,) = Notification.objects.filter(recipient=marc)
    assert told.data["body"] == "Fine"
    assert not Message.objects.filter(notify_pending=True).exists()
