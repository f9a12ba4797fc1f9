"""The cache where it only saves work (the directory's counts and ecosystem list).

When the cache (Redis in production) is unreachable these read nothing and write nothing, so
the caller computes the value afresh instead of failing: the directory stays up during a
Redis outage, only slower.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What the cache raises while Redis is down or restarting.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def cache_get(key: str) -> Any:
    """The cached value, or None when missing or when the cache cannot be reached."""
    try:
        return cache.get(key)
    except UNREACHABLE:
        logger.warning("Cache unreachable; computing %s afresh", key)
        return None


def cache_set(key: str, value: Any, seconds: int) -> None:
    """Caches `value` for `seconds`; nothing when the cache cannot be reached."""
    try:
        cache.set(key, value, seconds)
    except UNREACHABLE:
        logger.warning("Cache unreachable; %s not cached", key)


def cache_delete(key: str) -> None:
    """Forgets `key`; nothing when the cache cannot be reached (the entry then expires)."""
    try:
        cache.delete(key)
    except UNREACHABLE:
        logger.warning("Cache unreachable; %s not forgotten", key)
