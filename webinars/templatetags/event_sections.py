"""`{% event_sections event %}`: the sections other apps add to an event's page
(webinars/page_sections.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from webinars.page_sections import render_event_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def event_sections(context: dict[str, Any], event: Any) -> SafeString:
    return render_event_sections(context["request"], event)
