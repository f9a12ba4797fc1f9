"""Who is subscribed to a topic now: presence, for the topic kinds that ask for it.

A kind opts in when it is registered (`register_topic(..., presence=True)`). Then the
consumer records each socket's subscription here (`PresenceTracker.join`) and clears it on
unsubscribe, disconnect and access cut (`leave`), and every subscriber of the topic gets
`presence` frames: `{"type": "presence", "topic", "count", "users": [{"id", "name"}, …]}`
(docs/realtime.md, "Presence"). A person with several sockets on the topic counts once.

The roster of a topic is shared by every server process:

- on Redis (the default cache is Redis) it is a sorted set of socket ids scored by expiry
  plus a hash of who each socket is, changed by one Lua script per call, atomic across
  processes; a version (a millisecond clock, never going back) says which state is newer;
- otherwise (the embedded default) it lives in this process, which is then the only one.

Each entry expires REALTIME_PRESENCE_TTL seconds after it was last refreshed; every process
refreshes its own sockets' entries three times per TTL. A process that is killed stops
refreshing, so its readers leave the roster within the TTL plus one refresh, instead of
haunting it; a Redis restart is healed by the next refresh the same way.

Frames are ephemeral (not logged, never replayed) and coalesced: after a change, the process
that made it publishes the topic's whole state to the topic's group, at most once per
REALTIME_PRESENCE_INTERVAL per topic across all processes (a token in the cache). A change
made while the token is held is published when it frees, read at that moment, so the latest
state always arrives; the token is taken again for a whole interval after each publication.
A socket never receives a state older than, or the same as, the last one it got, nor two
frames within the interval: the consumer compares versions and texts, and holds a state that
arrives too soon until the interval since its last frame has passed (newer ones replace it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.commands.core import Script

from realtime.events import dumps, group_for_topic
from realtime.hub import Hub
from realtime.ratelimit import _client as redis_client

logger = logging.getLogger(__name__)

MAX_NAMES = 50  # users listed by name in a frame; `count` says how many there are in all
KEY = "presence:{}"  # + ":s" (sockets by expiry), ":i" (who each socket is), ":v", ":t"

# KEYS: sockets (zset), info (hash), version (string). ARGV: now (ms), ttl (ms), operation
# ("join", "refresh", "leave", "read"), then socket ids (leave) or socket id, info pairs.
# Drops expired sockets; returns {version, changed (0/1), [info, …]}.
_UPDATE = """
local now, ttl, op = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local changed = 0
local i = 4
while i <= #ARGV do
  if op == 'leave' then
    changed = changed + redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    i = i + 1
  else
    changed = changed + redis.call('ZADD', KEYS[1], now + ttl, ARGV[i])
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
    i = i + 2
  end
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  redis.call('HDEL', KEYS[2], unpack(expired))
  changed = changed + #expired
end
local version = tonumber(redis.call('GET', KEYS[3]) or '0')
if changed > 0 then
  version = math.max(version + 1, now)
  redis.call('SET', KEYS[3], string.format('%d', version))
end
for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], ttl * 2) end
return {version, changed > 0 and 1 or 0, redis.call('HVALS', KEYS[2])}
"""


@dataclass(frozen=True)
class Roster:
    """One topic's presence: `version` orders states; `changed` says this call changed it."""

    topic: str
    version: int
    changed: bool
    count: int
    users: list[dict[str, Any]]

    @classmethod
    def build(cls, topic: str, version: int, changed: bool, infos: list[Any]) -> Roster:
        people: dict[int, str] = {}
        for info in infos:
            user_id, name = json.loads(info)
            people[int(user_id)] = str(name)
        ordered = sorted(people.items(), key=lambda item: (item[1].casefold(), item[0]))
        users = [{"id": pk, "name": name} for pk, name in ordered[:MAX_NAMES]]
        return cls(topic, int(version), bool(changed), len(people), users)

    def frame_text(self) -> str:
        return dumps(
            {"type": "presence", "topic": self.topic, "count": self.count, "users": self.users}
        )

    def count_text(self) -> str:
        """The frame for subscribers who are told only how many (`presence_names`)."""
        return dumps({"type": "presence", "topic": self.topic, "count": self.count, "users": []})

    def message(self) -> dict[str, Any]:
        """What travels on the channel layer (the consumer's `live.presence`)."""
        return {
            "type": "live.presence",
            "topic": self.topic,
            "version": self.version,
            "text": self.frame_text(),
            "count_text": self.count_text(),
        }


class _RedisStore:
    def __init__(self, backend: RedisCache) -> None:
        self.backend = backend

    def update(self, topic: str, op: str, entries: dict[str, str], ttl: float) -> Roster:
        base = self.backend.make_and_validate_key(KEY.format(topic))
        client = redis_client(self.backend, base)
        if not _redis_script:
            _redis_script.append(client.register_script(_UPDATE))
        args: list[Any] = [int(time.time() * 1000), int(ttl * 1000), op]
        for sid, info in entries.items():
            args.extend([sid] if op == "leave" else [sid, info])
        version, changed, infos = _redis_script[0](
            keys=[base + ":s", base + ":i", base + ":v"], args=args, client=client
        )
        return Roster.build(topic, version, changed, infos)

    def tick(self, topic: str, interval: float) -> float:
        key = self.backend.make_and_validate_key(KEY.format(topic) + ":t")
        client = redis_client(self.backend, key)
        if client.set(key, 1, px=max(1, int(interval * 1000)), nx=True):
            return 0.0
        left = client.pttl(key)
        return max(left, 1) / 1000 if left is not None else interval

    def hold(self, topic: str, interval: float) -> None:
        """Take the token for a whole interval from now (after a publication)."""
        key = self.backend.make_and_validate_key(KEY.format(topic) + ":t")
        redis_client(self.backend, key).set(key, 1, px=max(1, int(interval * 1000)))


class _LocalStore:
    """The same, in this process (a cache that is not Redis is not shared anyway)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sockets: dict[str, dict[str, tuple[float, str]]] = {}
        self.versions: dict[str, int] = {}
        self.ticks: dict[str, float] = {}

    def update(self, topic: str, op: str, entries: dict[str, str], ttl: float) -> Roster:
        now = time.time()
        with self.lock:
            sockets = self.sockets.setdefault(topic, {})
            changed = False
            for sid, info in entries.items():
                if op == "leave":
                    changed |= sockets.pop(sid, None) is not None
                else:
                    changed |= sid not in sockets
                    sockets[sid] = (now + ttl, info)
            for sid in [sid for sid, (expiry, _info) in sockets.items() if expiry <= now]:
                del sockets[sid]
                changed = True
            version = self.versions.get(topic, 0)
            if changed:
                version = self.versions[topic] = max(version + 1, int(now * 1000))
            infos = [info for _expiry, info in sockets.values()]
            if not sockets:
                del self.sockets[topic]
        return Roster.build(topic, version, changed, infos)

    def tick(self, topic: str, interval: float) -> float:
        now = time.monotonic()
        with self.lock:
            free_at = self.ticks.get(topic, 0.0)
            if free_at > now:
                return free_at - now
            self.ticks[topic] = now + interval
            return 0.0

    def hold(self, topic: str, interval: float) -> None:
        with self.lock:
            self.ticks[topic] = time.monotonic() + interval


_local_store = _LocalStore()
_redis_script: list[Script] = []  # registered once: EVALSHA from then on


def presence_store() -> _RedisStore | _LocalStore:
    """Where rosters live: Redis when the default cache is Redis, else this process."""
    backend = caches["default"]  # (one object per thread: keep nothing keyed by it)
    if isinstance(backend, RedisCache):
        return _RedisStore(backend)
    return _local_store


def presence_read(topic: str) -> Roster:
    """The topic's presence now (also drops expired entries)."""
    return presence_store().update(topic, "read", {}, settings.REALTIME_PRESENCE_TTL)


class PresenceTracker:
    """This process's side of presence: its sockets' entries, their refresh, and the
    throttled publication of changes. One per hub (event loop); every method runs on it."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.local: dict[str, dict[str, str]] = {}  # topic -> socket id -> info
        self.dirty: set[str] = set()  # topics whose change is not published yet
        self.flushing: set[str] = set()  # topics with a publishing task running
        self.refresher: asyncio.Task[None] | None = None

    async def join(self, topic: str, sid: str, user_id: int, name: str) -> Roster | None:
        """Record that socket `sid` of this user is subscribed to `topic`; the state after it
        (None if the store could not be reached: presence is best effort)."""
        info = json.dumps([user_id, name], ensure_ascii=False)
        self.local.setdefault(topic, {})[sid] = info
        if self.refresher is None or self.refresher.done():
            self.refresher = self._spawn(self._refresh_forever())
        try:
            roster = await asyncio.to_thread(self._update, topic, "join", {sid: info})
        except Exception:
            logger.warning("Presence of %s not recorded", topic, exc_info=True)
            return None
        if roster.changed:
            self.mark_dirty(topic)
        return roster

    def leave(self, topic: str, sid: str) -> None:
        """Forget socket `sid` on `topic` (from sync code too: the work is queued)."""
        entries = self.local.get(topic)
        if entries is None or entries.pop(sid, None) is None:
            return
        if not entries:
            del self.local[topic]
        self._spawn(self._leave(topic, sid))

    async def _leave(self, topic: str, sid: str) -> None:
        try:
            roster = await asyncio.to_thread(self._update, topic, "leave", {sid: ""})
        except Exception:
            logger.warning("Presence of %s not cleared", topic, exc_info=True)
            return
        if roster.changed:
            self.mark_dirty(topic)

    def mark_dirty(self, topic: str) -> None:
        self.dirty.add(topic)
        if topic not in self.flushing:
            self.flushing.add(topic)
            self._spawn(self._flush(topic))

    async def _flush(self, topic: str) -> None:
        """Publish the topic's state once the throttle allows, until no change is pending."""
        interval = settings.REALTIME_PRESENCE_INTERVAL
        try:
            while topic in self.dirty:
                wait = await asyncio.to_thread(presence_store().tick, topic, interval)
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                self.dirty.discard(topic)  # a change from now on is published next time
                roster = await asyncio.to_thread(presence_read, topic)
                await self.hub.publish(group_for_topic(topic), roster.message())
                # The interval counts from the publication, not from taking the token: a
                # slow read or publish must not bring the next one closer.
                await asyncio.to_thread(presence_store().hold, topic, interval)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("Presence of %s not published", topic, exc_info=True)
        finally:
            self.flushing.discard(topic)

    async def refresh(self) -> None:
        """Extend this process's entries; publish where the roster changed meanwhile (an
        entry of a killed process expired, or Redis restarted and forgot them)."""
        for topic, entries in list(self.local.items()):
            try:
                roster = await asyncio.to_thread(self._update, topic, "refresh", dict(entries))
            except Exception:
                logger.warning("Presence of %s not refreshed", topic, exc_info=True)
                return
            if roster.changed:
                self.mark_dirty(topic)

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(settings.REALTIME_PRESENCE_TTL / 3)
            await self.refresh()

    @staticmethod
    def _update(topic: str, op: str, entries: dict[str, str]) -> Roster:
        return presence_store().update(topic, op, entries, settings.REALTIME_PRESENCE_TTL)

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        # Held in the hub's task list, so `Hub.stop` cancels them with its own.
        task = self.hub.loop.create_task(coro)
        self.hub.tasks.append(task)
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task[Any]) -> None:
        if task in self.hub.tasks:
            self.hub.tasks.remove(task)


_trackers: dict[int, PresenceTracker] = {}


def presence_tracker(hub: Hub) -> PresenceTracker:
    """The tracker of this hub (created on first use)."""
    tracker = _trackers.get(id(hub))
    if tracker is None or tracker.hub is not hub:
        _trackers.clear()  # one hub per process: an older one has stopped
        tracker = _trackers[id(hub)] = PresenceTracker(hub)
    return tracker
