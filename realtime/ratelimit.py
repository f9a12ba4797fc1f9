"""The per-user limit on socket actions: at most N in any 60 seconds (a sliding log).

Each user has a log of the times of their accepted actions in the last 60 seconds, in the
default cache, shared by all their sockets on all processes. An action is accepted when the
log holds fewer than N entries younger than 60 s, and is then written to it. A refused action
is not written, so a client that keeps trying is not locked out for longer.

Unlike a fixed window (a counter per clock minute, which accepts up to 2N around a minute's
edge) or a token bucket with room for N (which accepts N at once and then refills, again up
to 2N in 60 s), the log guarantees the number the welcome frame announces, for any 60 s,
at a memory cost of N timestamps per active user. `retry_after` is exact: the time until the
entry that must leave the window for the count to fall below N does.

On Redis the log is a sorted set updated by one Lua script: one round trip, atomic across
processes. Other caches (the in-process one of the embedded default) hold it as a list under
a process lock, which is atomic within the one process that uses such a cache.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
import weakref
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.commands.core import Script

WINDOW = 60.0  # seconds
KEY = "ws-rate:{}"

# KEYS[1]: the user's log (a sorted set: score = time in ms). ARGV: now (ms), window (ms),
# limit, a unique member. Returns -1 when accepted (and logged), else the ms to wait.
_SLIDING_LOG = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return -1
end
local blocking = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return tonumber(blocking[2]) + window - now
"""

_local_lock = threading.Lock()
_script: Script | None = None
# Django's RedisCache builds a new redis.Redis (about 170 response callbacks) for every call;
# a client per connection pool is thread-safe and costs that once (it was 0.3 ms a send).
_clients: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _client(backend: RedisCache, key: str) -> Any:
    cache = backend._cache  # type: ignore[attr-defined]
    pool = cache._get_connection_pool(write=True)
    client = _clients.get(pool)
    if client is None:
        client = _clients[pool] = cache.get_client(key, write=True)
    return client


def rate_limited(user_id: int, per_minute: int, *, now: float | None = None) -> int | None:
    """None if this user may do one more action now (it is counted), else the whole seconds
    to wait until one will be accepted. `now` (Unix time) defaults to the clock."""
    now = time.time() if now is None else now
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        key = backend.make_and_validate_key(KEY.format(user_id))
        client = _client(backend, key)
        now_ms = int(now * 1000)
        member = f"{now_ms}:{secrets.token_hex(4)}"
        global _script
        if _script is None:  # EVALSHA from then on; redis-py sends the script when Redis lost it
            _script = client.register_script(_SLIDING_LOG)
        wait_ms = int(
            _script(
                keys=[key], args=[now_ms, int(WINDOW * 1000), per_minute, member], client=client
            )
        )
        return None if wait_ms < 0 else max(1, math.ceil(wait_ms / 1000))
    key = KEY.format(user_id)
    with _local_lock:
        log = [t for t in backend.get(key, []) if t > now - WINDOW]
        if len(log) < per_minute:
            backend.set(key, [*log, now], timeout=math.ceil(WINDOW))
            return None
    blocking = sorted(log)[len(log) - per_minute]
    return max(1, math.ceil(blocking + WINDOW - now))
