"""No message lost or doubled while daphne and Redis restart under load.

20 native clients send 500 messages each (10,000 `message.send` actions, each with its own
client id) into one-to-one conversations arranged in a ring and one group conversation of
all 20. Every client subscribes to the three conversations it is in. In the middle of the
run the daphne process is restarted once and the private Redis once. Clients follow
docs/realtime.md: reconnect with backoff and jitter, resubscribe with `since`, resubscribe on
a gap, re-send unacknowledged actions with the same id.

At the end every client holds every message of its topics exactly once and in sequence
order, and the database holds exactly 10,000 messages.

The control run is the same scenario (with 100 messages per client) with clients that
resubscribe without `since` and ignore gaps: it must lose something, which proves the check
above detects loss.

LIVE_NO_LOSS_CLIENTS and LIVE_NO_LOSS_MESSAGES make it smaller for a quick local look.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.realtime.harness import (
    Daphne,
    LiveClient,
    RedisServer,
    create_world,
    live_stack,
    run_django,
)

pytestmark = pytest.mark.slow

CLIENTS = int(os.environ.get("LIVE_NO_LOSS_CLIENTS", "20"))
MESSAGES = int(os.environ.get("LIVE_NO_LOSS_MESSAGES", "500"))  # per client
# The control only has to show loss: a fifth of the sends is plenty and saves minutes.
CONTROL_MESSAGES = int(os.environ.get("LIVE_NO_LOSS_CONTROL_MESSAGES", "100"))
# One daphne process stores about 15 `message.send` per second on 2 cores (every socket's
# database work runs in the process's one database thread): 10,000 sends take ~11 minutes.
SENDS_PER_SECOND_FLOOR = 5.0
CATCH_UP_TIMEOUT_S = 60.0  # the server repairs quiet topics every 30 s at the latest
RESTART_DAPHNE_AT = 0.3  # fraction of sends acknowledged
RESTART_REDIS_AT = 0.65
HANDOVER_AT = 0.3
REDIS_OUTAGE_AT = 0.2
# The deploy and outage scenarios (issue 8): fewer sends, the same checks.
EDGE_MESSAGES = int(os.environ.get("LIVE_EDGE_MESSAGES", "60"))  # per client
REDIS_OUTAGE_S = 5.0
# docs/operations.md: the old process is gone within 2 s of SIGTERM, and clients are live
# again within 3 s (they reconnect at once after 1001; the new process is already listening).
EXIT_WITHIN_S = 2.0
LIVE_AGAIN_WITHIN_S = 3.0

COUNTS_CODE = """
from messaging.models import Message
from realtime.models import TopicCounter
ids = json.loads(os.environ["LIVE_CONVERSATIONS"])
messages = Message.objects.filter(conversation_id__in=ids)
result = {
    "total": messages.count(),
    "distinct_client_ids": messages.values("sender_id", "client_id").distinct().count(),
    "by_conversation": {
        str(c): list(messages.filter(conversation_id=c).order_by("id").values_list("id", flat=True))
        for c in ids
    },
    "counters": dict(
        TopicCounter.objects.filter(topic__in=[f"conversation:{c}" for c in ids]).values_list(
            "topic", "last_seq"
        )
    ),
}
"""


def topology(clients: int) -> list[list[int]]:
    """A ring of one-to-one conversations, then one group of everyone (the last one)."""
    ring = [[n, (n + 1) % clients] for n in range(clients)]
    return [*ring, list(range(clients))]


def conversations_of(n: int, clients: int, ids: list[int]) -> list[int]:
    """The ring conversations of client n (with its two neighbours) and the group."""
    return [ids[n], ids[(n - 1) % clients], ids[-1]]


class Chaos:
    """What happens to the servers while the clients send. `run` waits for the share of
    acknowledged sends it needs, acts, and writes what it did into `notes`/`figures`."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.figures: dict[str, float] = {}

    async def run(self, server: Daphne, redis: RedisServer, acked: Callable[[], float]) -> None:
        raise NotImplementedError


async def reached(acked: Callable[[], float], share: float) -> None:
    while acked() < share:
        await asyncio.sleep(0.05)


class RestartBoth(Chaos):
    """daphne stopped and started again (connections refused meanwhile), later Redis."""

    async def run(self, server: Daphne, redis: RedisServer, acked: Callable[[], float]) -> None:
        await reached(acked, RESTART_DAPHNE_AT)
        await asyncio.to_thread(server.restart)
        self.notes.append("daphne restarted")
        await reached(acked, RESTART_REDIS_AT)
        await asyncio.to_thread(redis.restart)
        self.notes.append("redis restarted")


class Handover(Chaos):
    """A deploy: a new process takes the shared socket over, then the old one gets SIGTERM."""

    async def run(self, server: Daphne, redis: RedisServer, acked: Callable[[], float]) -> None:
        await reached(acked, HANDOVER_AT)
        stopped_at, exit_seconds = await asyncio.to_thread(server.handover)
        self.figures["stopped_at"] = stopped_at
        self.figures["exit_seconds"] = exit_seconds
        self.notes.append(f"old daphne exited {exit_seconds:.2f} s after SIGTERM")


class RedisOutage(Chaos):
    """Redis gone for REDIS_OUTAGE_S seconds while the clients go on sending."""

    async def run(self, server: Daphne, redis: RedisServer, acked: Callable[[], float]) -> None:
        await reached(acked, REDIS_OUTAGE_AT)
        await asyncio.to_thread(redis.stop)
        self.figures["acked_at_stop"] = acked()
        await asyncio.sleep(REDIS_OUTAGE_S)  # the outage itself, not a synchronisation
        self.figures["acked_during_outage"] = acked() - self.figures["acked_at_stop"]
        await asyncio.to_thread(redis.start)
        self.notes.append(f"redis down for {REDIS_OUTAGE_S} s")


async def run_scenario(
    *, use_since: bool, messages: int, chaos: Chaos, shared_socket: bool = False
) -> dict[str, Any]:
    started = time.monotonic()
    with live_stack(daphnes=1, shared_socket=shared_socket) as (_db, redis, (server,), env):
        world = await asyncio.to_thread(
            create_world, env, users=CLIENTS, conversations=topology(CLIENTS)
        )
        ids = [c["id"] for c in world["conversations"]]
        clients = []
        for n, user in enumerate(world["users"]):
            topics = [f"conversation:{c}" for c in conversations_of(n, CLIENTS, ids)]
            clients.append(
                LiveClient([server.http], user["token"], topics, use_since=use_since, name=str(n))
            )
        total = CLIENTS * messages
        acked = 0

        async def sender(n: int, client: LiveClient) -> None:
            nonlocal acked
            mine = conversations_of(n, CLIENTS, ids)
            for k in range(messages):
                # One in ten into the group, the rest alternating between the two neighbours.
                conversation = mine[2] if k % 10 == 0 else mine[k % 2]
                await client.action(
                    "message.send",
                    {"conversation": conversation, "body": f"{n}:{k}"},
                    client_id=f"{n}-{k}",
                )
                acked += 1

        def progress() -> float:
            return acked / total

        for client in clients:
            client.start()
        try:
            await asyncio.gather(*(c.wait_ready() for c in clients))
            send_started = time.monotonic()
            await asyncio.wait_for(
                asyncio.gather(
                    chaos.run(server, redis, progress),
                    *(sender(n, c) for n, c in enumerate(clients)),
                ),
                max(120.0, total / SENDS_PER_SECOND_FLOOR),
            )
            send_seconds = time.monotonic() - send_started
            db = await asyncio.to_thread(
                run_django, COUNTS_CODE, {**env, "LIVE_CONVERSATIONS": str(ids)}
            )
            counters: dict[str, int] = db["counters"]

            def complete() -> bool:
                return all(
                    client.topics[topic].last == counters.get(topic, 0)
                    for client in clients
                    for topic in client.topics
                )

            deadline = time.monotonic() + (CATCH_UP_TIMEOUT_S if use_since else 5.0)
            while not complete() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            if not use_since:
                await asyncio.sleep(2.0)  # let the last live events arrive
        finally:
            for client in clients:
                await client.stop()
        return {
            "clients": clients,
            "ids": ids,
            "db": db,
            "chaos": chaos.notes,
            "send_seconds": send_seconds,
            "seconds": time.monotonic() - started,
            "log": server.log_tail(3000),
            # daphne's words when an application raised (the socket closed with 1011)
            "crashed": "Exception inside application" in server.log_tail(10**7),
        }


def summary(run: dict[str, Any], total: int) -> str:
    clients: list[LiveClient] = run["clients"]
    return (
        f"\n{total} sends in {run['send_seconds']:.1f} s, whole run {run['seconds']:.1f} s; "
        f"{'; '.join(run['chaos'])}; connects per client "
        f"{min(c.connects for c in clients)}..{max(c.connects for c in clients)}; "
        f"re-sent actions {sum(c.resent for c in clients)}; "
        f"retried after an error {sum(c.retried for c in clients)}; "
        f"duplicates dropped {sum(s.duplicates for c in clients for s in c.topics.values())}; "
        f"gaps seen {sum(s.gaps for c in clients for s in c.topics.values())}"
    )


def assert_nothing_lost_or_doubled(run: dict[str, Any], messages: int) -> None:
    clients: list[LiveClient] = run["clients"]
    db = run["db"]
    total = CLIENTS * messages
    assert db["total"] == total
    assert db["distinct_client_ids"] == total
    for client in clients:
        for topic, state in client.topics.items():
            conversation = topic.split(":")[1]
            expected_ids = db["by_conversation"][conversation]
            assert state.resyncs == 0
            assert client.sequences(topic) == list(range(1, db["counters"][topic] + 1)), topic
            received_ids = [data["id"] for _, data in state.events]
            assert len(received_ids) == len(set(received_ids)), f"{topic}: a message twice"
            assert sorted(received_ids) == expected_ids, f"client {client.name}, {topic}"
    # Every acknowledged send is one stored message, whatever the retries.
    for client in clients:
        assert len(client.results) == messages
        assert len({r["message_id"] for r in client.results.values()}) == messages


@pytest.mark.timeout(int(120 + CLIENTS * MESSAGES / SENDS_PER_SECOND_FLOOR + 300))
def test_no_message_lost_or_doubled_across_daphne_and_redis_restarts():
    run = asyncio.run(run_scenario(use_since=True, messages=MESSAGES, chaos=RestartBoth()))
    clients: list[LiveClient] = run["clients"]
    print(summary(run, CLIENTS * MESSAGES))
    assert len(run["chaos"]) == 2
    # Both restarts really cut every client off at least once.
    assert min(c.connects for c in clients) >= 2, [c.closes for c in clients]
    assert_nothing_lost_or_doubled(run, MESSAGES)


@pytest.mark.timeout(int(120 + CLIENTS * EDGE_MESSAGES / SENDS_PER_SECOND_FLOOR + 300))
def test_a_deploy_closes_sockets_with_1001_and_clients_are_back_at_once():
    """A new process takes over the listening socket, the old one gets SIGTERM while 20
    clients send: every client is told 1001, the old process exits within 2 s, every
    client is live again within 3 s, and nothing is lost or doubled."""
    chaos = Handover()
    run = asyncio.run(
        run_scenario(use_since=True, messages=EDGE_MESSAGES, chaos=chaos, shared_socket=True)
    )
    clients: list[LiveClient] = run["clients"]
    stopped_at = chaos.figures["stopped_at"]
    back = [min(t for t in c.welcomed_at if t > stopped_at) - stopped_at for c in clients]
    print(summary(run, CLIENTS * EDGE_MESSAGES))
    print(f"live again after SIGTERM: {min(back):.2f}..{max(back):.2f} s")
    for client in clients:
        assert client.closes[0] == 1001, (client.name, client.closes)
        assert client.connects == 2, (client.name, client.closes)
    assert chaos.figures["exit_seconds"] <= EXIT_WITHIN_S, run["log"]
    assert max(back) <= LIVE_AGAIN_WITHIN_S
    assert_nothing_lost_or_doubled(run, EDGE_MESSAGES)


@pytest.mark.timeout(int(120 + CLIENTS * EDGE_MESSAGES / SENDS_PER_SECOND_FLOOR + 300))
def test_a_redis_outage_closes_no_socket_and_loses_nothing():
    """Redis (channel layer, cache, tickets) gone for 5 s while 20 clients send: no socket
    is closed, every action is answered (stored, or a retryable error the client acts on),
    and once Redis is back nothing is missing or doubled."""
    chaos = RedisOutage()
    run = asyncio.run(run_scenario(use_since=True, messages=EDGE_MESSAGES, chaos=chaos))
    clients: list[LiveClient] = run["clients"]
    print(summary(run, CLIENTS * EDGE_MESSAGES))
    during = chaos.figures["acked_during_outage"]
    print(f"share of the sends acknowledged during the outage: {during:.2f}")
    for client in clients:
        # One connection each, closed only by the client itself at the end (1000).
        assert client.connects == 1, (client.name, client.closes)
        assert client.closes == [1000], (client.name, client.closes)
    assert not run["crashed"], run["log"]
    assert_nothing_lost_or_doubled(run, EDGE_MESSAGES)


@pytest.mark.timeout(int(120 + CLIENTS * CONTROL_MESSAGES / SENDS_PER_SECOND_FLOOR + 300))
def test_control_clients_without_since_lose_messages():
    run = asyncio.run(run_scenario(use_since=False, messages=CONTROL_MESSAGES, chaos=RestartBoth()))
    clients: list[LiveClient] = run["clients"]
    db = run["db"]
    assert len(run["chaos"]) == 2
    assert db["total"] == CLIENTS * CONTROL_MESSAGES  # the sends themselves are still all stored
    expected = sum(db["counters"][topic] for client in clients for topic in client.topics)
    received = sum(len(state.events) for client in clients for state in client.topics.values())
    print(f"\ncontrol: {expected - received} of {expected} deliveries lost; {run['chaos']}")
    assert received < expected
