"""A small cache-based rate limiter for pages and API views alike.

A rate is written like the settings write it: "10/300" allows 10 attempts per 300 seconds
(DRF-style suffixes also work: "5/minute", "100/hour", "1000/day"). Counters live in the
default cache (Redis in production, local memory in the embedded default), so they are shared
by every process that shares that cache, and a cache flush forgets them.

Each key has a fixed window that starts at its first attempt; when the window ends the key is
forgotten and counting starts again. Locks (lock_set / lock_wait) hold a key shut for a time
that doubles each time the same key is locked again.

`client_ip` is the one place that decides which address a request comes from.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.request import Request

_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600}
_PERIODS.update({"hour": 3600, "d": 86400, "day": 86400})


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (allowed attempts, window in seconds) for "N/seconds" or "N/unit"."""
    count_text, _, period_text = rate.partition("/")
    count = int(count_text)
    period_text = period_text.strip().lower()
    if period_text.isdigit():
        window = int(period_text)
    elif period_text in _PERIODS:
        window = _PERIODS[period_text]
    else:
        raise ValueError(f"Unknown rate period in {rate!r}.")
    if count < 1 or window < 1:
        raise ValueError(f"A rate needs a positive count and window: {rate!r}.")
    return count, window


def _digest(key: str) -> str:
    # Hash the caller's key: it may hold an email address or characters a cache rejects.
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _cache_keys(key: str) -> tuple[str, str]:
    digest = _digest(key)
    return f"ratelimit:{digest}:count", f"ratelimit:{digest}:start"


def clock() -> float:
    """Seconds since the epoch, as the limiter reads them (tests move it forward)."""
    return time.time()


def counter_add(key: str, window: int) -> int:
    """Count one under `key` and return the count in the window that started at its first one.

    Atomic on Redis and in local memory, so concurrent requests each see their own count.
    """
    count_key, start_key = _cache_keys(key)
    cache.add(start_key, clock(), timeout=window)
    cache.add(count_key, 0, timeout=window)
    try:
        count: int = cache.incr(count_key)
    except ValueError:  # the counter expired between add() and incr()
        cache.set(count_key, 1, timeout=window)
        cache.set(start_key, clock(), timeout=window)
        count = 1
    return count


def counter_undo(key: str) -> None:
    """Take back one counted under `key` (an attempt that turned out not to count)."""
    count_key, _start_key = _cache_keys(key)
    with contextlib.suppress(ValueError):  # expired or reset meanwhile: nothing to take back
        cache.decr(count_key)


def rate_limit_hit(key: str, rate: str) -> int | None:
    """Count one attempt under `key`.

    Returns None while the attempt is within `rate`, otherwise the number of seconds (at
    least 1) until the window ends. An attempt over the limit still counts, so hammering does
    not shorten the wait; the window itself is not extended.
    """
    limit, window = parse_rate(rate)
    if counter_add(key, window) <= limit:
        return None
    return _seconds_left(_cache_keys(key)[1], window, clock())


def rate_limit_wait(key: str, rate: str) -> int | None:
    """Like rate_limit_hit() but only looks: seconds to wait, or None, without counting."""
    limit, window = parse_rate(rate)
    count_key, start_key = _cache_keys(key)
    count = cache.get(count_key, 0)
    if count < limit:
        return None
    return _seconds_left(start_key, window, clock())


def rate_limit_reset(key: str) -> None:
    """Forget the attempts counted under `key`."""
    cache.delete_many(list(_cache_keys(key)))


def _seconds_left(start_key: str, window: int, now: float) -> int:
    start = cache.get(start_key, now)
    return max(1, math.ceil(start + window - now))


def lock_wait(key: str) -> int | None:
    """Seconds (at least 1) until the lock on `key` opens, or None when it is not locked."""
    until = cache.get(f"lock:{_digest(key)}:until")
    if until is None or until <= clock():
        return None
    return max(1, math.ceil(until - clock()))


def lock_set(key: str, *, first: int, longest: int, memory: int) -> int:
    """Lock `key` and forget what was counted under it; return the lock's length in seconds.

    The first lock lasts `first` seconds and each further one twice the one before, up to
    `longest`, as long as the previous lock of the key is less than `memory` seconds old.
    """
    locks_key = f"lock:{_digest(key)}:count"
    cache.add(locks_key, 0, timeout=memory)
    try:
        locks: int = cache.incr(locks_key)
    except ValueError:
        locks = 1
    cache.touch(locks_key, memory)
    seconds = min(first * 2 ** min(locks - 1, 32), longest)
    cache.set(f"lock:{_digest(key)}:until", clock() + seconds, timeout=seconds + 1)
    rate_limit_reset(key)
    return seconds


def slot_take(key: str, seconds: float) -> int | None:
    """Take the one turn `key` grants every `seconds`: None if taken, else seconds to wait."""
    slot_key = f"slot:{_digest(key)}"
    until = clock() + seconds
    timeout = math.ceil(seconds) + 1
    if cache.add(slot_key, until, timeout=timeout):
        return None
    taken_until = cache.get(slot_key)
    if taken_until is not None and taken_until > clock():
        return max(1, math.ceil(taken_until - clock()))
    cache.set(slot_key, until, timeout=timeout)
    return None


def client_ip(request: HttpRequest | Request) -> str:
    """The client's address: the one place that decides it, for pages, the API and DRF.

    settings.TRUSTED_PROXY_COUNT says how many reverse proxies stand in front of the
    application. With 0, REMOTE_ADDR, and no header is read (any client can forge one). With
    N, the N-th entry of X-Forwarded-For counted from the right: the one the outermost
    trusted proxy wrote; entries to its left came from the client. This is the rule of DRF's
    throttles with NUM_PROXIES = N, which settings.py derives from the same setting.
    """
    remote: str = request.META.get("REMOTE_ADDR") or "unknown"
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies == 0 or not forwarded:
        return remote
    entries = forwarded.split(",")
    return entries[-min(proxies, len(entries))].strip() or remote
