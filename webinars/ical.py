"""Calendar files (RFC 5545) of events, built with the `icalendar` package.

One VEVENT per event, the same wherever it appears (the event's own `.ics`, a person's
feed), so a calendar app that got it from both keeps one entry: its UID is
`event-<id>@<site host>`. Times are written in the organiser's time zone (DTSTART/DTEND with
TZID) and the calendar carries that zone's VTIMEZONE, so the entry stays right when the
rules of daylight saving time differ between the organiser and the reader. SEQUENCE counts
the seconds between the event's creation and its last change, so it grows with every
change and calendar apps replace their copy. Words (LOCATION "Online", "Cancelled: ") are
in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from django.conf import settings
from django.utils.translation import gettext as _

from webinars.calendar_sources import FeedEntry
from webinars.models import Event

PRODID = "-//ClusterHub//Events//EN"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "clusterhub.invalid"


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def event_uid(event: Event) -> str:
    """Stable for the event's whole life: neither its title nor its slug is in it."""
    return f"event-{event.pk}@{site_host()}"


def event_sequence(event: Event) -> int:
    """Grows with every change of the event (RFC 5545 3.8.7.4)."""
    return max(0, int((event.updated_at - event.created_at).total_seconds()))


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def event_zone(event: Event) -> ZoneInfo:
    return zone_named(event.time_zone)


def event_location(event: Event) -> str:
    parts = [event.venue, event.city, str(event.country.name) if event.country else ""]
    place = ", ".join(part for part in parts if part)
    if event.online:
        # Translators: the place of an event in a calendar file, when it happens online.
        online = _("Online")
        return f"{place} / {online}" if place else online
    return place


def event_component(event: Event) -> icalendar.Event:
    zone = event_zone(event)
    url = absolute_url(event.get_absolute_url())
    title = event.title
    if event.is_cancelled:
        # Translators: a cancelled event's title in a calendar ("Cancelled: Webinar on …").
        title = _("Cancelled: %(title)s") % {"title": event.title}
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("created", event.created_at)
    component.add("sequence", event_sequence(event))
    component.add("dtstart", event.starts_at.astimezone(zone))
    component.add("dtend", event.ends_at.astimezone(zone))
    component.add("summary", title)
    component.add("description", f"{event.summary}\n\n{url}")
    component.add("url", url)
    location = event_location(event)
    if location:
        component.add("location", location)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return component


def entry_component(entry: FeedEntry) -> icalendar.Event:
    """Another app's entry (webinars.calendar_sources), written like an event."""
    zone = zone_named(entry.time_zone)
    url = absolute_url(entry.path)
    component = icalendar.Event()
    component.add("uid", entry.uid)
    component.add("dtstamp", entry.updated_at)
    component.add("last-modified", entry.updated_at)
    component.add("created", entry.created_at)
    component.add("sequence", max(0, int((entry.updated_at - entry.created_at).total_seconds())))
    component.add("dtstart", entry.starts_at.astimezone(zone))
    component.add("dtend", entry.ends_at.astimezone(zone))
    component.add("summary", entry.summary)
    component.add("description", f"{entry.description}\n\n{url}".strip())
    component.add("url", url)
    if entry.location:
        component.add("location", entry.location)
    component.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    return component


def calendar_bytes(
    events: Iterable[Event], *, name: str = "", entries: Iterable[FeedEntry] = ()
) -> bytes:
    """A VCALENDAR of `events` (and other apps' `entries`) with the VTIMEZONE of every zone
    they use (their years only, to keep the file small)."""
    rows = list(events)
    extra = list(entries)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.calendar_name = name
        # Calendar apps that subscribe look again after this long.
        calendar.add(
            "refresh-interval", icalendar.vDuration.from_ical("PT1H"), {"VALUE": "DURATION"}
        )
        calendar.add("x-published-ttl", "PT1H")
    for event in rows:
        calendar.add_component(event_component(event))
    for entry in extra:
        calendar.add_component(entry_component(entry))
    spans = [(e.starts_at, e.ends_at) for e in rows] + [(e.starts_at, e.ends_at) for e in extra]
    if spans:
        first = min(start for start, _end in spans)
        last = max(end for _start, end in spans)
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    return calendar.to_ical()


def event_ics(event: Event) -> bytes:
    return calendar_bytes([event])
