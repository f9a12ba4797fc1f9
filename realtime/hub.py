"""The process's hub on the channel layer: one membership per group, direct relay to sockets.

Stock Channels gives every socket its own layer channel and adds it to every group it
follows, so one broadcast to 1,000 sockets is 1,000 channel-layer deliveries, each waking a
consumer task that decodes the message and dispatches it. The hub instead holds one channel
per process. It joins a group when the first local socket needs it, receives each broadcast
once, and hands it to every local receiver in one pass (`LiveConsumer.deliver`), which writes
the ready-serialised frame to its socket. Sockets need no layer channel of their own.

The hub also publishes. `publish_threadsafe` is how code running in a worker thread (a
service committing in a socket action or a view) broadcasts without waiting for the layer:
the message is queued to the hub's event loop and sent from there, in order. The hub hands
what it publishes to its own local receivers at once, without the round trip through Redis,
and skips the copy that comes back from the layer (messages carry their origin hub).

Repair: a Redis restart forgets every group (core layer) and drops what was in flight. The
hub re-adds its groups every REALTIME_RECHECK_SECONDS and after a receive error, and leaves
groups nobody needs any more at the same time. While the layer cannot be reached, sockets
keep working on this process alone: `join` records the group locally and the hub adds it
to the layer once it answers again (tried every LAYER_RETRY_SECONDS); the first pass after
the layer came back repairs every socket at once, so what other processes stored meanwhile
arrives within about a second of Redis returning. In the same pass it checks every local
socket, in a few database calls for all of them: is the account still active (and the API
token the socket was opened with not revoked), may it still see each topic (in case a
revocation message was lost), and is any subscription behind its topic's counter (a
broadcast lost on a topic that stayed quiet). Only sockets with something to repair are
woken up; they fill from the log (docs/realtime.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model

from realtime.models import TopicCounter, api_token_model
from realtime.topics import user_may_subscribe

logger = logging.getLogger(__name__)

# Channel names start with this, so layer settings can give the hub's one channel a larger
# capacity than the default (config/settings.py, CHANNEL_LAYERS).
CHANNEL_PREFIX = "hub"
DELIVERY_BATCH = 100  # sockets served between two turns of the event loop
REPAIR_BATCH = 100  # topics checked per database call of the periodic repair
LAYER_SEND_TIMEOUT = 5.0  # seconds a broadcast may take to reach the layer
LAYER_JOIN_TIMEOUT = 2.0  # seconds a socket waits for the hub to join a group
LAYER_RETRY_SECONDS = 1.0  # how often an unreachable layer is tried again
LAYER_QUEUE = 10_000  # broadcasts waiting for the layer before the oldest are dropped


class Receiver(Protocol):
    async def deliver(self, message: dict[str, Any]) -> None: ...

    def repair_request(self) -> tuple[int, list[str], int | None] | None:
        """(user id, subscribed topics, API token id or None) to check, or None (not
        authenticated)."""
        ...

    def repair(self, check: RepairCheck) -> None:
        """Act on the check (without blocking: queue the work for the socket's own loop)."""
        ...


class RepairCheck:
    """What the periodic repair found, for a batch of sockets."""

    def __init__(
        self,
        users: dict[int, Any],
        allowed: set[tuple[int, str]],
        counters: dict[str, int],
        api_tokens: set[int],
    ) -> None:
        self.users = users  # active users by id (the disabled and deleted are missing)
        self.allowed = allowed  # (user id, topic) pairs still allowed
        self.counters = counters  # topic -> last sequence number
        self.api_tokens = api_tokens  # the API tokens asked about that still exist


def repair_check(requests: list[tuple[int, list[str], int | None]]) -> RepairCheck:
    """One trip to the database for a batch of sockets; each (user, topic) is gated once."""
    user_ids = {user_id for user_id, _topics, _token in requests}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids, is_active=True)}
    pairs = {(user_id, topic) for user_id, topics, _token in requests for topic in topics}
    allowed = {
        (user_id, topic)
        for user_id, topic in pairs
        if user_id in users and user_may_subscribe(users[user_id], topic)
    }
    topics = {topic for _user_id, topic in allowed}
    counters = dict(TopicCounter.objects.filter(topic__in=topics).values_list("topic", "last_seq"))
    token_ids = {token for _user_id, _topics, token in requests if token is not None}
    api_tokens: set[int] = set()
    if token_ids:  # browsers' sockets have none
        tokens = api_token_model()._default_manager.filter(pk__in=token_ids)
        api_tokens = set(tokens.values_list("pk", flat=True))
    return RepairCheck(users, allowed, counters, api_tokens)


class Hub:
    def __init__(self, layer: BaseChannelLayer, loop: asyncio.AbstractEventLoop) -> None:
        self.layer = layer
        self.loop = loop
        self.channel = ""
        self.members: dict[str, set[Receiver]] = {}  # group -> local receivers
        self.joined: set[str] = set()  # groups the hub's channel belongs to
        self.lock = asyncio.Lock()  # membership changes go to the layer one at a time
        self.delivering = asyncio.Lock()
        self.outbox: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()  # from threads
        self.to_layer: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue(
            maxsize=LAYER_QUEUE
        )
        self.tasks: list[asyncio.Task[None]] = []  # held: the loop keeps only weak references
        self.starting: asyncio.Task[None] | None = None
        self.layer_down = False  # a layer call failed and `_tend` has not re-added since
        self.wake = asyncio.Event()  # `_tend`: the layer just failed, retry it soon

    async def start(self) -> None:
        # Layers differ in how they join prefix and name; all keep the prefix at the start.
        prefix = CHANNEL_PREFIX if hasattr(self.layer, "client_prefix") else CHANNEL_PREFIX + "."
        self.channel = await self.layer.new_channel(prefix)
        self.tasks = [
            asyncio.create_task(self._read()),
            asyncio.create_task(self._publish()),
            asyncio.create_task(self._send()),
            asyncio.create_task(self._tend()),
        ]

    # --- membership ------------------------------------------------------------------------

    async def join(self, group: str, receiver: Receiver) -> None:
        """Route the group's broadcasts to `receiver`; returns once the hub is in the group,
        or once it is known that the layer cannot be reached (Redis down). Then the receiver
        gets what this process publishes at once, and what other processes publish after
        the hub has joined the group (`_tend`) and repaired its sockets from the log."""
        self.members.setdefault(group, set()).add(receiver)
        if group in self.joined or self.layer_down:  # down: `_tend` adds it when it is back
            return
        try:
            async with self.lock:
                if group not in self.joined:
                    await asyncio.wait_for(
                        self.layer.group_add(group, self.channel), LAYER_JOIN_TIMEOUT
                    )
                    self.joined.add(group)
        except asyncio.CancelledError:
            self.leave(group, receiver)  # the socket went away meanwhile
            raise
        except Exception:
            self._layer_failed(f"joining {group}")

    def leave(self, group: str, receiver: Receiver) -> None:
        """Stop routing to `receiver`. The hub leaves the layer group at its next tending."""
        members = self.members.get(group)
        if members is not None:
            members.discard(receiver)
            if not members:
                del self.members[group]

    # --- the three tasks -------------------------------------------------------------------

    async def _read(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis is down or restarting (the list-based layer raises; the pub/sub layer
                # reconnects by itself). `_tend` re-adds the groups a restarted Redis forgot.
                self._layer_failed("receiving")
                await asyncio.sleep(LAYER_RETRY_SECONDS)
                continue
            if message.get("origin") != self.channel:  # our own were delivered locally
                await self._deliver_locally(message)

    async def _deliver_locally(self, message: dict[str, Any]) -> None:
        async with self.delivering:  # one message at a time, so each socket sees them in order
            receivers = list(self.members.get(message.get("group", ""), ()))
            for n, receiver in enumerate(receivers, 1):
                try:
                    await receiver.deliver(message)
                except Exception:
                    logger.exception("Delivering %s failed", message.get("type"))
                if n % DELIVERY_BATCH == 0:
                    # Let the server write what is queued so far (Twisted writes on the next
                    # loop turn): the first receivers read while we serve the rest.
                    await asyncio.sleep(0)

    async def publish(self, group: str, message: dict[str, Any]) -> None:
        """Send to the group: at once to this process's receivers, then queued for the other
        processes (`_send`), so a slow or hung layer never holds up local delivery."""
        message = {**message, "group": group, "origin": self.channel}
        await self._deliver_locally(message)
        if self.to_layer.full():
            self.to_layer.get_nowait()  # the oldest goes: clients repair from the log
            logger.warning("Channel layer send queue full; dropped the oldest broadcast")
        self.to_layer.put_nowait((group, message))

    async def _send(self) -> None:
        """Broadcasts to the other processes, in order, each given LAYER_SEND_TIMEOUT."""
        while True:
            group, message = await self.to_layer.get()
            try:
                await asyncio.wait_for(
                    self.layer.group_send(group, message), timeout=LAYER_SEND_TIMEOUT
                )
            except Exception:
                # The layer is only the fast path: the event is committed and clients catch up.
                self._layer_failed(f"broadcasting to {group}")

    async def _publish(self) -> None:
        while True:
            group, message = await self.outbox.get()
            await self.publish(group, message)

    def _layer_failed(self, doing: str) -> None:
        """Note a failed layer call; the first one of an outage is logged and wakes `_tend`,
        which then retries every LAYER_RETRY_SECONDS until the layer answers."""
        if not self.layer_down:
            logger.warning("Channel layer unavailable while %s", doing, exc_info=True)
            self.layer_down = True
            self.wake.set()

    async def _tend(self) -> None:
        """The one task that (re-)adds the groups and repairs the sockets: every
        REALTIME_RECHECK_SECONDS, and while the layer is down every LAYER_RETRY_SECONDS,
        repairing every socket as soon as it answers again."""
        while True:
            interval = LAYER_RETRY_SECONDS if self.layer_down else settings.REALTIME_RECHECK_SECONDS
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), interval)
            self.wake.clear()
            if not await self._rejoin():
                continue  # still unreachable: try again soon, repair once it answers
            try:
                await self._repair()
            except Exception:
                logger.exception("Periodic repair failed; trying again next time")

    async def _repair(self) -> None:
        """Check every local socket, in database calls of about REPAIR_BATCH topics each, so
        that no call holds the database thread (and everybody's actions) for long."""
        receivers = list({r for members in list(self.members.values()) for r in members})
        batch: list[tuple[Receiver, tuple[int, list[str], int | None]]] = []
        size = 0
        for n, receiver in enumerate(receivers, 1):
            request = receiver.repair_request()
            if request is not None:
                batch.append((receiver, request))
                size += 1 + len(request[1])
            if batch and (size >= REPAIR_BATCH or n == len(receivers)):
                check = await database_sync_to_async(repair_check)([r for _s, r in batch])
                for waiting, _request in batch:
                    waiting.repair(check)
                batch, size = [], 0

    async def _rejoin(self) -> bool:
        """Add every group still needed (a Redis restart forgets them, and groups joined
        while the layer was down were never added); leave the rest. False if the layer could
        not be reached. The lock is taken per group, so sockets joining meanwhile wait for
        one round trip at most, not for the whole pass."""
        for group in list(self.joined | set(self.members)):
            async with self.lock:
                try:
                    if group in self.members:
                        await asyncio.wait_for(
                            self.layer.group_add(group, self.channel), LAYER_JOIN_TIMEOUT
                        )
                        self.joined.add(group)
                    elif group in self.joined:
                        self.joined.discard(group)
                        await self.layer.group_discard(group, self.channel)
                except Exception:
                    self._layer_failed("re-adding groups")
                    return False
        self.layer_down = False
        return True

    async def stop(self) -> None:
        """Cancel the hub's tasks while the layer still runs (a layer's receive cleans up after
        itself when cancelled, which can hang if the whole loop is being torn down at once)."""
        # A task being cancelled may start another (a socket's last presence leave starts a
        # flush): cancel again until none is left, so none outlives the loop.
        for _ in range(5):
            pending = [task for task in self.tasks if not task.done()]
            if not pending:
                break
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=2)


_hub: Hub | None = None


async def get_hub() -> Hub:
    """The hub of the running event loop (one per process under daphne), started on first use."""
    global _hub
    loop = asyncio.get_running_loop()
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("The live layer needs CHANNEL_LAYERS.")
    if _hub is None or _hub.loop is not loop or _hub.layer is not layer:
        _hub = Hub(layer, loop)
        _hub.starting = loop.create_task(_hub.start())
    hub = _hub
    assert hub.starting is not None
    try:
        await asyncio.shield(hub.starting)
    except Exception:
        if _hub is hub:
            _hub = None  # the next socket tries again
        raise
    return hub


async def stop_hub() -> None:
    """Stop the running loop's hub, if any: before the loop closes (tests, shutdown hooks)."""
    global _hub
    hub = _hub
    if hub is not None and hub.loop is asyncio.get_running_loop():
        _hub = None
        await hub.stop()


def publish_threadsafe(group: str, message: dict[str, Any]) -> bool:
    """Queue a group send on the running hub's loop, from any thread; False if there is none.

    Messages leave in the order they were queued. The caller does not wait for the layer.
    A server shutting down has stopped its loop without closing it: the message is dropped
    then (True), since waiting on that loop would keep the process alive; it is committed,
    and clients replay it with `since`.
    """
    hub = _hub
    if hub is None or hub.loop.is_closed():
        return False
    if not hub.loop.is_running():
        logger.info("Not broadcast to %s: the server is shutting down", group)
        return True
    try:
        hub.loop.call_soon_threadsafe(hub.outbox.put_nowait, (group, message))
    except RuntimeError:  # the loop closed in between
        return False
    return True
