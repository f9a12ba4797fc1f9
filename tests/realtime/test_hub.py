"""The process's hub (realtime/hub.py): one group membership per process, ordered relay."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from realtime import consumers
from realtime import hub as hub_module
from realtime.events import event_append, group_for_topic, group_for_user
from realtime.hub import get_hub
from tests.factories import UserFactory
from tests.realtime.conftest import PROBE_ACCESS, open_socket, subscribe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]


def append(topic: str, **data) -> int:
    with transaction.atomic():
        return event_append(topic=topic, type="thing.happened", data=data).seq


async def test_many_sockets_share_one_membership_and_each_gets_the_event_once(settings):
    settings.REALTIME_RECHECK_SECONDS = 0.2  # the hub's tending: leave unused groups soon
    users = [await sync_to_async(UserFactory)() for _ in range(5)]
    PROBE_ACCESS["hall"] = {u.pk for u in users}
    sockets = [await open_socket(u) for u in users]
    for ws in sockets:
        assert (await subscribe(ws, "probe:hall"))[-1]["type"] == "subscribed"
    layer = get_channel_layer()
    hub = await get_hub()
    group = group_for_topic("probe:hall")
    # One member on the layer, the process's hub, which routes to the 5 sockets itself.
    assert group in hub.joined
    assert len(hub.members[group]) == 5
    if isinstance(layer, InMemoryChannelLayer):
        assert set(layer.groups[group]) == {hub.channel}

    await sync_to_async(append)("probe:hall", n=1)
    for ws in sockets:
        frame = await ws.receive_json_from()
        assert (frame["topic"], frame["seq"], frame["data"]) == ("probe:hall", 1, {"n": 1})
        assert await ws.receive_nothing(timeout=0.05)

    # An unsubscribed socket gets nothing more; the others still do.
    await sockets[0].send_json_to({"type": "unsubscribe", "topic": "probe:hall"})
    assert (await sockets[0].receive_json_from())["type"] == "unsubscribed"
    await sync_to_async(append)("probe:hall", n=2)
    for ws in sockets[1:]:
        assert (await ws.receive_json_from())["seq"] == 2
    assert await sockets[0].receive_nothing(timeout=0.1)

    # When the last local subscriber goes, the hub leaves the group at its next tending.
    for ws in sockets:
        await ws.disconnect()
    for _ in range(50):
        if group not in hub.joined:
            break
        await asyncio.sleep(0.05)
    assert group not in hub.joined
    if isinstance(layer, InMemoryChannelLayer):
        assert not layer.groups.get(group)


async def test_events_committed_while_the_backlog_is_read_arrive_once_in_order(monkeypatch):
    """The trap DESIGN.md names: join first, buffer live events, then deliver backlog and
    buffer in sequence order without duplicates."""
    user = await sync_to_async(UserFactory)()
    topic = f"user:{user.pk}"
    real_snapshot = consumers.subscribe_snapshot

    def buffered(topic: str) -> list[int]:
        """The sequence numbers the hub has handed to the subscription while it reads."""
        receivers = hub_module._hub.members.get(group_for_topic(topic), ())
        subs = [r.subs.get(topic) for r in receivers]
        return [seq for sub in subs if sub and sub.buffer for seq, _text in sub.buffer]

    def wait_until_buffered(topic: str, seqs: list[int]) -> None:
        deadline = time.monotonic() + 3
        while buffered(topic) != seqs:  # this is the database thread; the loop runs on
            assert time.monotonic() < deadline, buffered(topic)
            time.sleep(0.005)

    def racing_snapshot(topic: str, since: int | None):
        append(topic, n=1)  # committed after the join, before the read: in both
        wait_until_buffered(topic, [1])
        result = real_snapshot(topic, since)
        append(topic, n=2)  # committed after the read: only live
        append(topic, n=3)
        wait_until_buffered(topic, [1, 2, 3])
        return result

    monkeypatch.setattr(consumers, "subscribe_snapshot", racing_snapshot)
    ws = await open_socket(user)
    frames = await subscribe(ws, topic, since=0)
    assert [f["seq"] for f in frames if f["type"] == "event"] == [1]
    assert frames[-1]["type"] == "subscribed"
    assert frames[-1]["seq"] == 1
    assert [(await ws.receive_json_from())["seq"] for _ in range(2)] == [2, 3]
    assert await ws.receive_nothing(timeout=0.2)
    await ws.disconnect()


async def test_a_socket_that_leaves_mid_broadcast_does_not_stop_the_others():
    users = [await sync_to_async(UserFactory)() for _ in range(3)]
    PROBE_ACCESS["room"] = {u.pk for u in users}
    sockets = [await open_socket(u) for u in users]
    for ws in sockets:
        await subscribe(ws, "probe:room")
    await sockets[1].disconnect()
    await sync_to_async(append)("probe:room", n=1)
    for ws in (sockets[0], sockets[2]):
        assert (await ws.receive_json_from())["seq"] == 1
        await ws.disconnect()


async def test_hub_re_adds_its_groups_when_the_layer_comes_back(monkeypatch):
    """A Redis restart forgets every group, and the list-based layer's receive raises: the
    hub re-adds its groups as soon as the layer answers, and broadcasts from other processes
    reach the sockets again. (On Redis itself: tests/realtime/test_no_loss.py.)"""
    layer = get_channel_layer()
    if not isinstance(layer, InMemoryChannelLayer):
        pytest.skip("simulates the restart on the in-memory layer")
    user = await sync_to_async(UserFactory)()
    topic, group = f"user:{user.pk}", group_for_topic(f"user:{user.pk}")
    ws = await open_socket(user)
    await subscribe(ws, topic)
    hub = await get_hub()
    real_receive = layer.receive
    failures = {"left": 1}

    async def restarting_receive(channel):
        if failures["left"]:
            failures["left"] -= 1
            await layer.flush()  # every group and queued message is gone
            raise ConnectionError("Redis is restarting")
        return await real_receive(channel)

    monkeypatch.setattr(layer, "receive", restarting_receive)
    await layer.send(hub.channel, {"type": "live.noop"})  # wake the hub's pending receive
    for _ in range(60):
        if not failures["left"] and group in layer.groups:
            break
        await asyncio.sleep(0.05)
    # An event written by another process: it reaches this one only through the layer.
    monkeypatch.setattr("realtime.events.broadcast_event", lambda event: None)
    seq = await sync_to_async(append)(topic, n=1)
    text = json.dumps({"type": "event", "topic": topic, "seq": seq})
    await layer.group_send(
        group, {"type": "live.event", "group": group, "topic": topic, "seq": seq, "text": text}
    )
    frame = await ws.receive_json_from(timeout=3)
    assert (frame["topic"], frame["seq"]) == (topic, seq)
    await ws.disconnect()


async def test_a_socket_whose_handler_fails_leaves_the_hub(monkeypatch):
    user = await sync_to_async(UserFactory)()
    topic = f"user:{user.pk}"
    ws = await open_socket(user)
    hub = await get_hub()
    assert hub.members.get(group_for_user(user.pk))

    def broken(topic: str, since: int | None):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(consumers, "subscribe_snapshot", broken)
    await ws.send_json_to({"type": "subscribe", "topic": topic})
    with pytest.raises(RuntimeError):
        await ws.receive_output(timeout=3)
    # No membership left behind for a dead socket (it would leak and be written to forever).
    assert not hub.members.get(group_for_topic(topic))
    assert not hub.members.get(group_for_user(user.pk))


# --- the periodic repair (every REALTIME_RECHECK_SECONDS), the safety net for lost messages


async def test_repair_delivers_an_event_whose_broadcast_was_lost_on_a_quiet_topic(
    settings, monkeypatch
):
    settings.REALTIME_RECHECK_SECONDS = 0.3
    user = await sync_to_async(UserFactory)()
    topic = f"user:{user.pk}"
    ws = await open_socket(user)
    await subscribe(ws, topic)
    monkeypatch.setattr("realtime.events.broadcast_event", lambda event: None)
    seq = await sync_to_async(append)(topic, n=1)  # no later event will reveal the gap
    frame = await ws.receive_json_from(timeout=3)
    assert (frame["type"], frame["seq"]) == ("event", seq)
    await ws.disconnect()


async def test_repair_drops_a_subscription_whose_revocation_message_was_lost(settings):
    settings.REALTIME_RECHECK_SECONDS = 0.3
    user = await sync_to_async(UserFactory)()
    PROBE_ACCESS["room"] = {user.pk}
    ws = await open_socket(user)
    await subscribe(ws, "probe:room")
    PROBE_ACCESS["room"] = set()  # access ends, but nobody sends `live.recheck`
    frame = await ws.receive_json_from(timeout=3)
    assert frame == {"type": "unsubscribed", "topic": "probe:room", "reason": "access_revoked"}
    await ws.disconnect()


async def test_repair_closes_the_socket_of_a_disabled_account(settings):
    settings.REALTIME_RECHECK_SECONDS = 0.3
    user = await sync_to_async(UserFactory)()
    ws = await open_socket(user)
    await subscribe(ws, f"user:{user.pk}")
    user.is_active = False
    await sync_to_async(user.save)(update_fields=["is_active"])  # no logout signal
    assert await ws.receive_output(timeout=3) == {"type": "websocket.close", "code": 4401}


async def test_a_socket_opened_while_the_layer_is_down_works_and_joins_when_it_is_back(
    monkeypatch,
):
    user = await sync_to_async(UserFactory)()
    hub = await get_hub()
    layer = get_channel_layer()
    group_add = layer.group_add

    async def down(group, channel):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(layer, "group_add", down)
    ws = await open_socket(user)  # welcomed, not refused
    assert hub.members.get(group_for_user(user.pk))
    assert group_for_user(user.pk) not in hub.joined
    assert hub.layer_down

    monkeypatch.setattr(layer, "group_add", group_add)
    assert await hub._rejoin()
    assert group_for_user(user.pk) in hub.joined
    assert not hub.layer_down
    await ws.disconnect()


async def test_a_hung_layer_does_not_hold_up_local_delivery(monkeypatch):
    user = await sync_to_async(UserFactory)()
    topic = f"user:{user.pk}"
    ws = await open_socket(user)
    await subscribe(ws, topic)
    layer = get_channel_layer()
    hang = asyncio.Event()

    async def hung(group, message):
        await hang.wait()  # a Redis that accepted the connection and never answers

    monkeypatch.setattr(layer, "group_send", hung)
    first = await sync_to_async(append)(topic, n=1)
    second = await sync_to_async(append)(topic, n=2)
    frames = [await ws.receive_json_from(timeout=3) for _ in range(2)]
    assert [f["seq"] for f in frames] == [first, second]
    hang.set()
    await ws.disconnect()
