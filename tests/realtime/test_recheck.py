"""Access re-checks that reach sockets without a list of who follows what: by topic kind for
one person (`subscriptions_recheck`), and for every subscriber of one topic
(`topic_subscribers_recheck`). docs/realtime.md, "Forum moderation and access cuts"."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from realtime.events import event_append
from realtime.services import subscriptions_recheck, topic_subscribers_recheck
from tests.factories import UserFactory
from tests.realtime.conftest import PROBE_ACCESS, open_socket, subscribe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]


@sync_to_async
def in_transaction(call, **kwargs):
    with transaction.atomic():
        call(**kwargs)


async def test_a_kind_recheck_cuts_only_the_topics_that_lost_access():
    user = await sync_to_async(UserFactory)()
    PROBE_ACCESS.update({"a": {user.pk}, "b": {user.pk}})
    ws = await open_socket(user)
    for name in ["probe:a", "probe:b"]:
        assert (await subscribe(ws, name))[-1]["type"] == "subscribed"
    PROBE_ACCESS["a"] = set()
    await in_transaction(subscriptions_recheck, user_ids=[user.pk], kinds=["probe"])
    frame = await ws.receive_json_from(timeout=2)
    assert frame == {"type": "unsubscribed", "topic": "probe:a", "reason": "access_revoked"}
    # probe:b stays: its events still arrive, probe:a's do not.
    await in_transaction(event_append, topic="probe:a", type="x", data={})
    await in_transaction(event_append, topic="probe:b", type="x", data={})
    assert (await ws.receive_json_from(timeout=2))["topic"] == "probe:b"
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_a_kind_recheck_leaves_other_kinds_alone():
    user = await sync_to_async(UserFactory)()
    PROBE_ACCESS["a"] = {user.pk}
    ws = await open_socket(user)
    await subscribe(ws, "probe:a")
    PROBE_ACCESS["a"] = set()
    await in_transaction(subscriptions_recheck, user_ids=[user.pk], kinds=["forum_topic"])
    assert await ws.receive_nothing(timeout=0.5)
    await ws.disconnect()


async def test_a_topic_recheck_reaches_every_subscriber_and_cuts_who_lost_it():
    keeps, loses = [await sync_to_async(UserFactory)() for _ in range(2)]
    PROBE_ACCESS["hall"] = {keeps.pk, loses.pk}
    sockets = [await open_socket(keeps), await open_socket(loses)]
    for ws in sockets:
        await subscribe(ws, "probe:hall")
    PROBE_ACCESS["hall"] = {keeps.pk}
    await in_transaction(topic_subscribers_recheck, topic="probe:hall")
    frame = await sockets[1].receive_json_from(timeout=2)
    assert frame == {"type": "unsubscribed", "topic": "probe:hall", "reason": "access_revoked"}
    assert await sockets[0].receive_nothing(timeout=0.3)
    for ws in sockets:
        await ws.disconnect()
