"""Sections other apps add to an organisation's profile page.

Imports point one way (docs/architecture.md): community shows an organisation's listings
and its "Message this organisation" button without importing messaging. Messaging
registers a function per slot in its `AppConfig.ready()`; the profile view calls each one
with the request and the organisation (already through the profile's gate) and places the
HTML it returns:

- `actions`: under the profile's title, beside its badges (buttons);
- `main`: at the end of the main column (sections with their own `<h2>`).

A section renders its own template and checks its own rules; an empty string shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

    from community.models import Organisation

ProfileSection = Callable[["HttpRequest", "Organisation"], str]
SLOTS = ("actions", "main")
_sections: dict[str, list[ProfileSection]] = {slot: [] for slot in SLOTS}


def register_profile_section(slot: str, section: ProfileSection) -> None:
    """Add `section` to `slot` (once: registering the same function again does nothing)."""
    if slot not in _sections:
        raise ValueError(f"Unknown profile slot {slot!r}; use one of {SLOTS}.")
    if section not in _sections[slot]:
        _sections[slot].append(section)


def render_profile_sections(
    request: HttpRequest, organisation: Organisation
) -> dict[str, SafeString]:
    """The HTML of every slot, by slot name. Sections return rendered templates, which
    escape what they show."""
    return {
        slot: mark_safe("".join(section(request, organisation) for section in sections))  # noqa: S308
        for slot, sections in _sections.items()
    }
