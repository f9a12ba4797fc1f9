"""The live layer across processes: two daphne processes on one private Redis.

Real processes (tests/realtime/harness.py): a fresh PostgreSQL database when DATABASE_URL is
set (a temporary SQLite file otherwise), a private redis-server, daphne on free ports, and
native clients logging in with tickets.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.realtime.harness import LiveClient, create_world, live_stack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack():
    with live_stack(daphnes=2) as (_db, _redis, servers, env):
        world = create_world(env, users=3, conversations=[[0, 1], [1, 2]])
        yield servers, world


async def wait_until(predicate, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.02)


async def test_a_message_sent_through_one_process_reaches_a_socket_on_the_other(stack):
    (a_server, b_server), world = stack
    alice, bob = world["users"][0], world["users"][1]
    conversation = world["conversations"][0]["id"]
    topic = f"conversation:{conversation}"
    sender = LiveClient([a_server.http], alice["token"], [topic])
    receiver = LiveClient([b_server.http], bob["token"], [topic])
    sender.start()
    receiver.start()
    try:
        await sender.wait_ready()
        await receiver.wait_ready()
        result = await asyncio.wait_for(
            sender.action("message.send", {"conversation": conversation, "body": "hello B"}),
            15,
        )
        await wait_until(lambda: receiver.topics[topic].events)
        (seq, data), *rest = receiver.topics[topic].events
        assert rest == []
        assert seq == 1
        assert data["id"] == result["message_id"]
        # ... and the sender's own socket on A got the same event.
        await wait_until(lambda: sender.topics[topic].events)
        assert sender.topics[topic].events == receiver.topics[topic].events
    finally:
        await sender.stop()
        await receiver.stop()


async def test_a_subscriber_on_a_restarted_process_catches_up_with_since(stack):
    (a_server, b_server), world = stack
    bob, carol = world["users"][1], world["users"][2]
    conversation = world["conversations"][1]["id"]
    topic = f"conversation:{conversation}"
    sender = LiveClient([a_server.http], bob["token"], [topic])
    receiver = LiveClient([b_server.http], carol["token"], [topic])
    sender.start()
    receiver.start()
    try:
        await sender.wait_ready()
        await receiver.wait_ready()
        await asyncio.wait_for(
            sender.action("message.send", {"conversation": conversation, "body": "before"}), 15
        )
        await wait_until(lambda: receiver.sequences(topic) == [1])

        await asyncio.to_thread(b_server.stop)
        missed = [
            (
                await asyncio.wait_for(
                    sender.action(
                        "message.send", {"conversation": conversation, "body": f"missed {n}"}
                    ),
                    15,
                )
            )["message_id"]
            for n in range(3)
        ]
        await asyncio.to_thread(b_server.start)

        # The client reconnects to B by itself and resubscribes with since=1.
        await wait_until(lambda: receiver.connects >= 2 and len(receiver.sequences(topic)) >= 4)
        assert receiver.sequences(topic) == [1, 2, 3, 4]
        assert [data["id"] for _, data in receiver.topics[topic].events[1:]] == missed
        assert receiver.topics[topic].resyncs == 0

        # ... and is live again afterwards.
        await asyncio.wait_for(
            sender.action("message.send", {"conversation": conversation, "body": "after"}), 15
        )
        await wait_until(lambda: receiver.sequences(topic) == [1, 2, 3, 4, 5])
    finally:
        await sender.stop()
        await receiver.stop()
