"""Sections other apps add to a page of an app below them: a listing's page (messaging), an
event's page (webinars) — matchmaking's "Suggested for you", for instance.

Imports point one way (docs/architecture.md): the app that owns the page does not import
the apps that build on it. They register a function per page in their `AppConfig.ready()`;
the page calls each with the request and its object (already through the page's gate) and
places the HTML it returns (`{% page_sections "listing" listing %}`). A section renders its
own template and checks its own rules; an empty string shows nothing. (The organisation
profile has slots of its own: community/profile_sections.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

PageSection = Callable[["HttpRequest", Any], str]
PAGES = ("listing", "event")
_sections: dict[str, list[PageSection]] = {page: [] for page in PAGES}


def register_page_section(page: str, section: PageSection) -> None:
    """Add `section` to `page` (once: registering the same function again does nothing)."""
    if page not in _sections:
        raise ValueError(f"Unknown page {page!r}; use one of {PAGES}.")
    if section not in _sections[page]:
        _sections[page].append(section)


def render_page_sections(page: str, request: HttpRequest, obj: Any) -> SafeString:
    """The HTML of every section of `page`. Sections return rendered templates, which
    escape what they show."""
    return mark_safe("".join(section(request, obj) for section in _sections[page]))  # noqa: S308
