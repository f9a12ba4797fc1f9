"""`{% listing_sections listing %}`: the sections other apps add to a listing's page
(messaging/page_sections.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from messaging.page_sections import render_listing_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def listing_sections(context: dict[str, Any], listing: Any) -> SafeString:
    return render_listing_sections(context["request"], listing)
