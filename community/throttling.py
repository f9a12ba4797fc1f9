"""A small cache-based rate limiter for pages and API views alike.

A rate is written like the settings write it: "10/300" allows 10 attempts per 300 seconds
(DRF-style suffixes also work: "5/minute", "100/hour", "1000/day"). Counters live in the
default cache (Redis in production, local memory in the embedded default), so they are shared
by every process that shares that cache, and a cache flush forgets them.

Each key has a fixed window that starts at its first attempt; when the window ends the key is
forgotten and counting starts again.
"""

from __future__ import annotations

import hashlib
import math
import time

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


def _cache_keys(key: str) -> tuple[str, str]:
    # Hash the caller's key: it may hold an email address or characters a cache rejects.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"ratelimit:{digest}:count", f"ratelimit:{digest}:start"


def rate_limit_hit(key: str, rate: str) -> int | None:
    """Count one attempt under `key`.

    Returns None while the attempt is within `rate`, otherwise the number of seconds (at
    least 1) until the window ends. An attempt over the limit still counts, so hammering does
    not shorten the wait; the window itself is not extended.
    """
    limit, window = parse_rate(rate)
    count_key, start_key = _cache_keys(key)
    now = time.time()
    cache.add(start_key, now, timeout=window)
    cache.add(count_key, 0, timeout=window)
    try:
        count = cache.incr(count_key)
    except ValueError:  # the counter expired between add() and incr()
        cache.set(count_key, 1, timeout=window)
        cache.set(start_key, now, timeout=window)
        count = 1
    if count <= limit:
        return None
    return _seconds_left(start_key, window, now)


def rate_limit_wait(key: str, rate: str) -> int | None:
    """Like rate_limit_hit() but only looks: seconds to wait, or None, without counting."""
    limit, window = parse_rate(rate)
    count_key, start_key = _cache_keys(key)
    count = cache.get(count_key, 0)
    if count < limit:
        return None
    return _seconds_left(start_key, window, time.time())


def rate_limit_reset(key: str) -> None:
    """Forget the attempts counted under `key`."""
    cache.delete_many(list(_cache_keys(key)))


def _seconds_left(start_key: str, window: int, now: float) -> int:
    start = cache.get(start_key, now)
    return max(1, math.ceil(start + window - now))


def client_ip(request: HttpRequest | Request) -> str:
    """The client's address as the server saw it.

    Behind a reverse proxy, run daphne with --proxy-headers so that REMOTE_ADDR is the
    client's and not the proxy's; a forwarded header is never read here because any client
    can forge it.
    """
    address: str = request.META.get("REMOTE_ADDR") or "unknown"
    return address
