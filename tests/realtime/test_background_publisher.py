"""Broadcasts from a process without a hub (the worker) share one loop and connection."""

from __future__ import annotations

import asyncio

from channels.layers import get_channel_layer

from realtime import events
from realtime.events import background_publisher, group_send


def test_the_worker_broadcasts_in_order_through_one_long_lived_loop(monkeypatch):
    def new_loop_per_send(*args, **kwargs):
        raise AssertionError("a send went through async_to_sync: a new loop and connection")

    monkeypatch.setattr(events, "async_to_sync", new_loop_per_send)
    layer = get_channel_layer()
    with background_publisher():
        publisher = events._publisher
        assert publisher is not None

        def run(coroutine):
            return asyncio.run_coroutine_threadsafe(coroutine, publisher.loop).result(5)

        channel = run(layer.new_channel())
        run(layer.group_add("t.publisher-test", channel))
        for n in range(3):
            group_send("t.publisher-test", {"type": "live.event", "n": n})
        assert [run(layer.receive(channel))["n"] for _ in range(3)] == [0, 1, 2]
        run(layer.group_discard("t.publisher-test", channel))
    assert events._publisher is None
    assert not publisher.thread.is_alive()
    assert publisher.loop.is_closed()
