"""Directed signals: a signal addressed to ONE socket of a topic by its peer id (WebRTC
offers, answers and ICE candidates), the peer ids the server hands out, `peer.joined` /
`peer.left`, the per-socket allowance, the `max_people` cap and `recheck_with`
(realtime/consumers.py, docs/realtime.md "Directed signals").

Topic kinds of their own: `huddle` (directed signals, presence, at most 3 people, 5 signals
per 10 s) and `huddle_side` (re-checked with `huddle`); access is whatever HUDDLE_ACCESS
says, so a test can cut it.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from realtime.presence import presence_read
from realtime.services import subscription_revoke
from realtime.topics import register_topic
from tests.factories import UserFactory
from tests.realtime.conftest import open_socket, subscribe

HUDDLE_ACCESS: dict[str, set[int]] = {}


def _huddle_gate(user: Any, key: str) -> bool:
    return user.pk in HUDDLE_ACCESS.get(key, set())


register_topic(
    "huddle",
    gate=_huddle_gate,
    presence=True,
    max_people=3,
    signals={"typing"},
    directed_signals={"offer", "ice"},
    signal_rate=(5, 10.0),
)
register_topic(
    "huddle_side", gate=_huddle_gate, directed_signals={"offer"}, recheck_with={"huddle"}
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("stop_hub_after")]


@pytest.fixture(autouse=True)
def _reset_access():
    HUDDLE_ACCESS.clear()
    yield
    HUDDLE_ACCESS.clear()


async def receive(ws, timeout: float = 2) -> dict[str, Any]:
    """The next frame that is not a presence frame (those come whenever the roster moves)."""
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if frame["type"] != "presence":
            return frame


async def roster_count(topic: str, count: int, timeout: float = 5) -> None:
    """Wait until the topic's presence roster holds `count` people."""
    deadline = time.monotonic() + timeout
    while (await asyncio.to_thread(presence_read, topic)).count != count:
        assert time.monotonic() < deadline, f"{topic} never had {count} people"
        await asyncio.sleep(0.02)


async def nothing_but_presence(ws, timeout: float = 0.4) -> bool:
    while not await ws.receive_nothing(timeout=timeout):
        frame = await ws.receive_json_from()
        if frame["type"] != "presence":
            raise AssertionError(f"unexpected frame {frame}")
    return True


async def join(users, key: str) -> list[tuple[Any, str]]:
    """Sockets of `users` in `huddle:<key>`, each with its peer id; every `peer.joined`
    announcement read by those already in."""
    HUDDLE_ACCESS.setdefault(key, set()).update(u.pk for u in users)
    joined: list[tuple[Any, str]] = []
    for user in users:
        ws = await open_socket(user)
        frames = await subscribe(ws, f"huddle:{key}")
        assert frames[-1]["type"] == "subscribed", frames
        peer = frames[-1]["peer"]
        for other, _peer in joined:
            hello = await receive(other)
            assert (hello["signal"], hello["from"]) == ("peer.joined", peer), hello
        joined.append((ws, peer))
    return joined


async def people(n: int) -> list[Any]:
    return [await sync_to_async(UserFactory)(full_name=f"Person {i}") for i in range(n)]


async def close(sockets) -> None:
    for ws, _peer in sockets:
        await ws.disconnect()


async def test_subscribed_gives_a_peer_id_and_the_others_hear_of_the_newcomer():
    ana, ben = await people(2)
    key = secrets.token_hex(4)
    (ws_a, peer_a), (ws_b, peer_b) = await join([ana, ben], key)
    assert peer_a != peer_b
    assert len(peer_a) >= 8
    # (join() checked that ana heard `peer.joined` from ben; ben hears nothing of himself)
    assert await nothing_but_presence(ws_b)
    await close([(ws_a, peer_a), (ws_b, peer_b)])


async def test_peer_joined_carries_who_it_is():
    ana, ben = await people(2)
    key = secrets.token_hex(4)
    HUDDLE_ACCESS[key] = {ana.pk, ben.pk}
    ws_a = await open_socket(ana)
    await subscribe(ws_a, f"huddle:{key}")
    ws_b = await open_socket(ben)
    peer_b = (await subscribe(ws_b, f"huddle:{key}"))[-1]["peer"]
    assert await receive(ws_a) == {
        "type": "signal",
        "topic": f"huddle:{key}",
        "signal": "peer.joined",
        "from": peer_b,
        "user": {"id": ben.pk, "name": "Person 1"},
        "data": {},
    }
    await ws_a.disconnect()
    await ws_b.disconnect()


async def test_a_directed_signal_reaches_only_its_addressee_with_the_senders_peer_id():
    ana, ben, cat = await people(3)
    key = secrets.token_hex(4)
    sockets = await join([ana, ben, cat], key)
    (ws_a, peer_a), (ws_b, peer_b), (ws_c, _peer_c) = sockets
    sdp = {"type": "offer", "sdp": "v=0\r\n" + "a=x\r\n" * 2000}  # ~10 KB: SDP is large
    await ws_a.send_json_to(
        {"type": "signal", "topic": f"huddle:{key}", "signal": "offer", "to": peer_b, "data": sdp}
    )
    frame = await receive(ws_b)
    assert frame == {
        "type": "signal",
        "topic": f"huddle:{key}",
        "signal": "offer",
        "from": peer_a,
        "user": {"id": ana.pk, "name": "Person 0"},
        "data": sdp,
    }
    # B answers A by the `from` it got.
    await ws_b.send_json_to(
        {"type": "signal", "topic": f"huddle:{key}", "signal": "ice", "to": peer_a, "data": {}}
    )
    assert (await receive(ws_a))["from"] == peer_b
    assert await nothing_but_presence(ws_c)
    await close(sockets)


async def test_broadcast_signals_still_reach_everyone_and_carry_from_on_such_topics():
    ana, ben = await people(2)
    key = secrets.token_hex(4)
    sockets = await join([ana, ben], key)
    (ws_a, peer_a), (ws_b, _) = sockets
    await ws_a.send_json_to({"type": "signal", "topic": f"huddle:{key}", "signal": "typing"})
    frame = await receive(ws_b)
    assert frame["signal"] == "typing"
    assert frame["from"] == peer_a
    await close(sockets)


async def test_only_subscribers_may_address_and_only_subscribers_receive():
    ana, ben, eve = await people(3)
    key, other_key = secrets.token_hex(4), secrets.token_hex(4)
    sockets = await join([ana, ben], key)
    (ws_a, _peer_a), (ws_b, peer_b) = sockets
    HUDDLE_ACCESS[other_key] = {eve.pk}
    ws_e = await open_socket(eve)
    await subscribe(ws_e, f"huddle:{other_key}")
    # Eve is not subscribed to the huddle: she cannot signal on it.
    await ws_e.send_json_to(
        {"type": "signal", "topic": f"huddle:{key}", "signal": "offer", "to": peer_b, "data": {}}
    )
    error = await receive(ws_e)
    assert error["code"] == "not_subscribed"
    assert error["topic"] == f"huddle:{key}"
    # Addressing B's peer id on her own topic reaches nobody: B is not subscribed to it.
    await ws_e.send_json_to(
        {
            "type": "signal",
            "topic": f"huddle:{other_key}",
            "signal": "offer",
            "to": peer_b,
            "data": {},
        }
    )
    assert await nothing_but_presence(ws_b)
    assert await nothing_but_presence(ws_a)
    await ws_e.disconnect()
    await close(sockets)


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"signal": "typo"}, "invalid"),  # not a directed signal of the kind
        ({"signal": "typing"}, "invalid"),  # a broadcast one cannot be addressed
        ({"to": 7}, "invalid"),
        ({"to": "no spaces allowed"}, "invalid"),
        ({"data": ["not", "an", "object"]}, "invalid"),
    ],
)
async def test_malformed_directed_signals_are_refused(extra, code):
    ana, ben = await people(2)
    key = secrets.token_hex(4)
    sockets = await join([ana, ben], key)
    (ws_a, _), (ws_b, peer_b) = sockets
    frame = {"type": "signal", "topic": f"huddle:{key}", "signal": "offer", "to": peer_b}
    frame.update(extra)
    await ws_a.send_json_to(frame)
    reply = await receive(ws_a)
    assert (reply["type"], reply["code"]) == ("error", code), reply
    assert await nothing_but_presence(ws_b)
    await close(sockets)


async def test_a_socket_cannot_address_itself():
    (ana,) = await people(1)
    key = secrets.token_hex(4)
    sockets = await join([ana], key)
    ws_a, peer_a = sockets[0]
    await ws_a.send_json_to(
        {"type": "signal", "topic": f"huddle:{key}", "signal": "ice", "to": peer_a, "data": {}}
    )
    assert (await receive(ws_a))["code"] == "invalid"
    await close(sockets)


async def test_the_allowance_lets_a_burst_through_then_answers_rate_limited():
    ana, ben = await people(2)
    key = secrets.token_hex(4)
    sockets = await join([ana, ben], key)
    (ws_a, _), (ws_b, peer_b) = sockets
    for n in range(6):
        await ws_a.send_json_to(
            {
                "type": "signal",
                "topic": f"huddle:{key}",
                "signal": "ice",
                "to": peer_b,
                "data": {"n": n},
                "id": f"s{n}",
            }
        )
    # The burst of 5 (the kind's allowance) arrives, no throttling to one per 2 s …
    assert [(await receive(ws_b))["data"]["n"] for _ in range(5)] == [0, 1, 2, 3, 4]
    # … the 6th is refused, and the sender is told so and when to send again.
    error = await receive(ws_a)
    assert error["code"] == "rate_limited"
    assert error["id"] == "s5"
    assert error["topic"] == f"huddle:{key}"
    assert 1 <= error["retry_after"] <= 10
    assert await nothing_but_presence(ws_b)
    await close(sockets)


async def test_the_topic_refuses_one_person_too_many_with_full():
    users = await people(5)
    key = secrets.token_hex(4)
    sockets = await join(users[:3], key)
    HUDDLE_ACCESS[key].update(u.pk for u in users)
    fourth = await open_socket(users[3])
    frames = await subscribe(fourth, f"huddle:{key}")
    assert (frames[-1]["type"], frames[-1]["code"]) == ("error", "full"), frames
    assert "3" in frames[-1]["message"]
    # Nobody heard of the refused one.
    for ws, _peer in sockets:
        assert await nothing_but_presence(ws, 0.2)
    # Someone already in may open a second socket (people are counted, not sockets).
    again = await open_socket(users[0])
    peer_again = (await subscribe(again, f"huddle:{key}"))[-1]["peer"]
    await again.disconnect()
    for ws, _peer in sockets:  # a socket is a peer: it joined, and left
        assert [(f["signal"], f["from"]) for f in [await receive(ws), await receive(ws)]] == [
            ("peer.joined", peer_again),
            ("peer.left", peer_again),
        ]
    # Once one leaves, there is room again.
    ws_2, peer_2 = sockets.pop(2)
    await ws_2.disconnect()
    for ws, _peer in sockets:
        left = await receive(ws)
        assert left["signal"] == "peer.left"
        assert left["from"] == peer_2
    # `peer.left` goes out as the socket leaves; the roster (shared through Redis in CI)
    # takes the leave a moment later: wait for the place to be free, then it is taken.
    await roster_count(f"huddle:{key}", 2)
    assert (await subscribe(fourth, f"huddle:{key}"))[-1]["type"] == "subscribed"
    await fourth.disconnect()
    await close(sockets)


async def test_peer_left_on_unsubscribe_and_on_an_access_cut():
    ana, ben, cat = await people(3)
    key = secrets.token_hex(4)
    sockets = await join([ana, ben, cat], key)
    (ws_a, _), (ws_b, peer_b), (ws_c, peer_c) = sockets
    await ws_b.send_json_to({"type": "unsubscribe", "topic": f"huddle:{key}"})
    assert (await receive(ws_b))["type"] == "unsubscribed"
    for ws in (ws_a, ws_c):
        frame = await receive(ws)
        assert (frame["signal"], frame["from"]) == ("peer.left", peer_b)
    # Cat loses access: cut within the recheck, and the others are told she left.
    HUDDLE_ACCESS[key].discard(cat.pk)

    def revoke():
        with transaction.atomic():
            subscription_revoke(user_ids=[cat.pk], topic=f"huddle:{key}")

    await sync_to_async(revoke)()
    assert await receive(ws_c) == {
        "type": "unsubscribed",
        "topic": f"huddle:{key}",
        "reason": "access_revoked",
    }
    frame = await receive(ws_a)
    assert (frame["signal"], frame["from"]) == ("peer.left", peer_c)
    # A signal to a peer that left reaches nobody and is no error.
    await ws_a.send_json_to(
        {"type": "signal", "topic": f"huddle:{key}", "signal": "ice", "to": peer_c, "data": {}}
    )
    assert await nothing_but_presence(ws_a)
    assert await nothing_but_presence(ws_c)
    await close(sockets)


async def test_a_recheck_of_a_kind_also_rechecks_the_kinds_that_follow_it():
    (ana,) = await people(1)
    key = secrets.token_hex(4)
    HUDDLE_ACCESS[key] = {ana.pk}
    ws = await open_socket(ana)
    assert (await subscribe(ws, f"huddle_side:{key}"))[-1]["type"] == "subscribed"
    HUDDLE_ACCESS[key] = set()

    def revoke():
        with transaction.atomic():
            # Only `huddle:<key>` is named (the socket does not even follow it).
            subscription_revoke(user_ids=[ana.pk], topic=f"huddle:{key}")

    await sync_to_async(revoke)()
    assert await receive(ws) == {
        "type": "unsubscribed",
        "topic": f"huddle_side:{key}",
        "reason": "access_revoked",
    }
    await ws.disconnect()


async def test_a_recheck_of_another_key_leaves_a_following_kind_alone():
    (ana,) = await people(1)
    key = secrets.token_hex(4)
    HUDDLE_ACCESS[key] = {ana.pk}
    ws = await open_socket(ana)
    await subscribe(ws, f"huddle_side:{key}")

    def revoke():
        with transaction.atomic():
            subscription_revoke(user_ids=[ana.pk], topic="huddle:elsewhere")

    HUDDLE_ACCESS[key] = set()
    await sync_to_async(revoke)()
    assert await ws.receive_nothing(timeout=0.4)
    await ws.disconnect()
