"""Sections other apps add to a listing's page (matchmaking's "Suggested for you").

Imports point one way (docs/architecture.md): messaging does not import the apps that build
on it. They register a function in their `AppConfig.ready()`; the listing page calls each
with the request and the listing (already through `listing_get_for`) and places the HTML it
returns at the end of the page (`{% listing_sections listing %}`). A section renders its own
template and checks its own rules; an empty string shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

    from messaging.models import Listing

ListingSection = Callable[["HttpRequest", "Listing"], str]
_sections: list[ListingSection] = []


def register_listing_section(section: ListingSection) -> None:
    """Add `section` to listing pages (once: registering it again does nothing)."""
    if section not in _sections:
        _sections.append(section)


def render_listing_sections(request: HttpRequest, listing: Listing) -> SafeString:
    """The HTML of every section. Sections return rendered templates, which escape."""
    return mark_safe("".join(section(request, listing) for section in _sections))  # noqa: S308
