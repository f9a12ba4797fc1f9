"""Appending events to the log and broadcasting them after commit.

The one write path for every live feature:

    with transaction.atomic():
        message = Message.objects.create(...)
        event_append(topic=f"conversation:{c.pk}", type="message.created", data={...})

`event_append` must run inside the writer's transaction. It takes the topic's next sequence
number with an upsert that keeps the counter row locked until commit, so sequence numbers
are gap-free and become visible in order. After commit the event is serialised once and sent
to the topic's group; consumers relay the ready text to their sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from realtime.hub import publish_threadsafe
from realtime.models import Event, TopicCounter

logger = logging.getLogger(__name__)


class EventFrame(TypedDict):
    type: str  # always "event"
    topic: str
    seq: int
    event: str
    data: dict[str, Any]
    ts: str


class LiveEventMessage(TypedDict):
    """What travels on the channel layer for a persistent event (handler `live_event`)."""

    type: str  # "live.event"
    topic: str
    seq: int
    text: str  # the EventFrame, already serialised


def group_for_topic(topic: str) -> str:
    # Group names allow only ASCII letters, digits, hyphens, underscores and periods.
    return "t." + topic.replace(":", ".")


def group_for_user(user_id: int) -> str:
    """The control group every socket of a user joins (revocations, logout)."""
    return f"u.{user_id}"


def dumps(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


_UPSERT_SQL = (
    f"INSERT INTO {TopicCounter._meta.db_table} (topic, last_seq) VALUES (%s, 1) "  # noqa: S608
    f"ON CONFLICT (topic) DO UPDATE SET last_seq = {TopicCounter._meta.db_table}.last_seq + 1 "
    "RETURNING last_seq"
)


_APPEND_SQL = (
    f"WITH counter AS ({_UPSERT_SQL}) "  # noqa: S608
    f"INSERT INTO {Event._meta.db_table} (topic, seq, type, data, created_at) "
    "SELECT %s, last_seq, %s, %s, %s FROM counter RETURNING id, seq"
)


def next_seq(topic: str) -> int:
    """Allocate the topic's next sequence number; the counter row stays locked until commit."""
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, [topic])
        row = cursor.fetchone()
    return int(row[0])


def event_append(*, topic: str, type: str, data: dict[str, Any]) -> Event:
    """Log an event on `topic` and broadcast it once the surrounding transaction commits.

    Precondition: called inside `transaction.atomic()` by a service that has already checked
    permissions. Side effect: after commit, a `live.event` message to the topic's group.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("event_append must run inside the writer's transaction.")
    if connection.vendor == "postgresql":
        # One round trip instead of two: the upsert and the insert in one statement.
        now = timezone.now()
        stored = Event._meta.get_field("data").get_db_prep_save(data, connection)
        with connection.cursor() as cursor:
            cursor.execute(_APPEND_SQL, [topic, topic, type, stored, now])
            pk, seq = cursor.fetchone()
        event = Event(pk=pk, topic=topic, seq=seq, type=type, data=data, created_at=now)
    else:
        event = Event.objects.create(topic=topic, seq=next_seq(topic), type=type, data=data)
    transaction.on_commit(lambda: broadcast_event(event))
    return event


def broadcast_event(event: Event) -> None:
    """Send a committed event to its topic's group. Loss here is repaired by `since`."""
    message: LiveEventMessage = {
        "type": "live.event",
        "topic": event.topic,
        "seq": event.seq,
        "text": dumps(event.to_frame()),
    }
    group_send(group_for_topic(event.topic), dict(message))


def group_send(group: str, message: dict[str, Any]) -> None:
    """Send to a group from sync code. Under the ASGI server this only queues the message on
    the hub's loop (realtime/hub.py), so a worker thread does not wait for the layer; the
    `group` key lets the receiving hubs route it."""
    message = {**message, "group": group}
    if publish_threadsafe(group, message):
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if _publisher is not None:
            _publisher.send(layer, group, message)
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        # The layer is only the fast path: the event is committed and clients catch up.
        logger.exception("Broadcast to %s failed", group)


class _Publisher:
    """One event loop, in a daemon thread, for the group sends of a process without a hub.

    `async_to_sync` runs each send in a loop of its own, and the Redis layers open their
    connections per loop: a new connection, and about 2 ms of CPU, for every event. A
    process that broadcasts all day (the worker) keeps one loop, hence one connection.
    Sends wait for the layer (at most PUBLISH_TIMEOUT), so they leave in order."""

    PUBLISH_TIMEOUT = 5.0

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="realtime-publisher", daemon=True
        )
        self.thread.start()

    def send(self, layer: Any, group: str, message: dict[str, Any]) -> None:
        future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), self.loop)
        future.result(self.PUBLISH_TIMEOUT)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(self.PUBLISH_TIMEOUT)
        if not self.thread.is_alive():
            self.loop.close()


_publisher: _Publisher | None = None


@contextlib.contextmanager
def background_publisher() -> Iterator[None]:
    """Within it, this process's broadcasts from sync code (outside the ASGI server's hub)
    go through one long-lived loop and layer connection (`manage.py run_worker`)."""
    global _publisher
    previous, _publisher = _publisher, _Publisher()
    try:
        yield
    finally:
        publisher, _publisher = _publisher, previous
        publisher.close()


def control_send(user_id: int, message: dict[str, Any]) -> None:
    """Send a control message (revocation, logout) to every socket of one user."""
    group_send(group_for_user(user_id), message)
