"""The server freezes the objects it made while starting (config/process.py
`freeze_startup_objects`), so the garbage collector's full passes no longer walk them."""

from __future__ import annotations

import gc

from config.process import THRESHOLDS, freeze_startup_objects


def test_the_objects_alive_at_startup_are_frozen_and_the_views_imported():
    from django.urls import get_resolver

    gc.unfreeze()
    thresholds = gc.get_threshold()
    alive_before = len(gc.get_objects())
    try:
        frozen = freeze_startup_objects()
        assert frozen == gc.get_freeze_count()
        assert frozen >= alive_before // 2
        # Frozen objects are out of the collector's generations.
        assert len(gc.get_objects()) < alive_before // 10
        assert "url_patterns" in vars(get_resolver())  # imported, cached
        assert gc.get_threshold() == THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    assert gc.get_freeze_count() == 0


# The server does it when it starts: tests/realtime/test_frame_limit.py (its server's log).
