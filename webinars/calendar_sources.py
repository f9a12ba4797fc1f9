"""Other apps' entries in a person's calendar feed (webinars/views/calendar.py).

The feed lists events; an app above webinars in the import order (matchmaking: a person's
meetings) adds its own entries by registering a source in its `AppConfig.ready()`:

    register_feed_source(meeting_feed_entries)

A source takes the feed's owner and returns `FeedEntry` rows; webinars/ical.py writes them as
VEVENTs beside the events, in the entry's time zone. Webinars imports no app that registers
one (docs/architecture.md, "Apps and who may import whom"). A source runs inside the feed
owner's language (translation.override), so its words are in their language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class FeedEntry:
    uid: str  # stable for the entry's whole life, e.g. "meeting-42@<site host>"
    starts_at: datetime
    ends_at: datetime
    time_zone: str  # IANA zone the times are written in
    summary: str
    description: str
    path: str  # the entry's page on the site (made absolute in the file)
    created_at: datetime
    updated_at: datetime
    location: str = ""
    cancelled: bool = False


FeedSource = Callable[[Any], Iterable[FeedEntry]]

_sources: list[FeedSource] = []


def register_feed_source(source: FeedSource) -> None:
    """Add `source`'s entries to every person's feed (once, however often it is called)."""
    if source not in _sources:
        _sources.append(source)


def feed_entries_for(user: Any) -> list[FeedEntry]:
    """Every registered source's entries for `user`, by start."""
    entries = [entry for source in _sources for entry in source(user)]
    return sorted(entries, key=lambda entry: (entry.starts_at, entry.uid))
