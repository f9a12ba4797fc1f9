"""The field every rich-text form uses: a textarea for the markdown subset.

Without JavaScript it is a plain textarea with a short help text. markdown-editor.js turns
each `textarea[data-markdown-editor]` into a small editor with a toolbar and a preview that
the server renders (POST /api/v1/markdown/preview/); templates that show such a field include
"community/_markdown_editor.html" in their scripts block.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from community.richtext import MAX_LENGTH

RICH_TEXT_HELP = _("You can use **bold**, *italic*, lists and links.")


class MarkdownTextarea(forms.Textarea):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"rows": 8, "data-markdown-editor": "", **(attrs or {})})


def rich_text_field(*, label: Any, max_length: int = MAX_LENGTH, **kwargs: Any) -> forms.CharField:
    """A form field for the markdown subset with its editor and help text."""
    kwargs.setdefault("help_text", RICH_TEXT_HELP)
    kwargs.setdefault("widget", MarkdownTextarea())
    return forms.CharField(label=label, max_length=max_length, strip=True, **kwargs)
