"""`{% page_sections "listing" listing %}`: the sections other apps add to a page
(community/page_sections.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from community.page_sections import render_page_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context: dict[str, Any], page: str, obj: Any) -> SafeString:
    return render_page_sections(page, context["request"], obj)
