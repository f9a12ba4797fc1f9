"""Mark text that people wrote with its language: `lang` on its element, and a small label
when it is not the language of the page.

    {% load text_language %}
    <div{{ item.language|lang_attr }}>{{ item.body }}</div> {% text_language_label item.language %}
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

# "In German" is a whole sentence per language: "En allemand", "Auf Deutsch", "En alemán".
IN_LANGUAGE = {
    "en": _("In English"),
    "fr": _("In French"),
    "de": _("In German"),
    "es": _("In Spanish"),
    "it": _("In Italian"),
}


@register.filter
def lang_attr(code: str | None) -> SafeString:
    """` lang="de"` for a known language; nothing for another or an unknown one."""
    if code and code in dict(settings.LANGUAGES):
        return format_html(' lang="{}"', code)
    return mark_safe("")


@register.simple_tag
def text_language_label(code: str | None) -> SafeString:
    """A small label naming the text's language, when it differs from the page's."""
    page = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if not code or code not in IN_LANGUAGE or code == page:
        return mark_safe("")
    return format_html('<span class="text-language">{}</span>', IN_LANGUAGE[code])
