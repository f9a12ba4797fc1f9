"""`{{ text|markdown }}`: show a rich-text field (the markdown subset) as safe HTML."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from community.richtext import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    # render_markdown escapes raw HTML and sanitises its output with nh3.
    return mark_safe(render_markdown(text))  # noqa: S308
