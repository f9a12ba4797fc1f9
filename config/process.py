"""What the server process does once it has started (config/server.py)."""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger("config.server")

# The collector's thresholds once serving (CPython's default: 700, 10, 10). See below.
THRESHOLDS = (50_000, 20, 10)


def freeze_startup_objects() -> int:
    """Move every object alive now to the garbage collector's permanent generation, after
    importing every view (the URL patterns); returns how many were moved.

    A server that has imported Django, the apps and their URLs holds about 300,000 objects
    that live as long as it does. Each full collection walked them all: 150-200 ms with
    the GIL held, during which no request and no socket frame moved — the single 130-170 ms
    tails of P1 (docs/performance.md). Frozen objects are skipped by every collection
    (`gc.freeze`, the technique CPython documents for long-running servers); what is
    created later is collected as before. What is frozen is never freed, so this runs once,
    before the first request, when nearly everything alive is meant to live.

    It also raises the young generation's threshold (THRESHOLDS): at CPython's 700 a busy
    server ran a young collection every millisecond or so, so whatever a send keeps for
    a few milliseconds (its frames, futures, rows) reached the old generation and a full
    pass of 30-150 ms followed every 10-20 s. At 50,000, objects must live far longer to be
    promoted; in P1 no full pass ran at all (docs/performance.md).
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view now, not on a request
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    frozen = gc.get_freeze_count()
    logger.info("Froze %d objects made at startup", frozen)
    return frozen
