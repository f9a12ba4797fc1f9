"""Sections other apps add to an event's page (matchmaking's "Suggested for you").

Imports point one way (docs/architecture.md): webinars does not import the apps that build
on it. They register a function in their `AppConfig.ready()`; the event page calls each
with the request and the event (already through `event_get_by_slug_for`) and places the HTML it
returns at the end of the page (`{% event_sections event %}`). A section renders its own
template and checks its own rules; an empty string shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

    from webinars.models import Event

EventSection = Callable[["HttpRequest", "Event"], str]
_sections: list[EventSection] = []


def register_event_section(section: EventSection) -> None:
    """Add `section` to event pages (once: registering it again does nothing)."""
    if section not in _sections:
        _sections.append(section)


def render_event_sections(request: HttpRequest, event: Event) -> SafeString:
    """The HTML of every section. Sections return rendered templates, which escape."""
    return mark_safe("".join(section(request, event) for section in _sections))  # noqa: S308
