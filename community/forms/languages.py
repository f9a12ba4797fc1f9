"""Form fields for languages: each named in itself, with `lang` on its option."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from community.models import OTHER_LANGUAGE


class LanguageSelect(forms.Select):
    """A select whose options carry `lang`: each language is named in itself."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"] and option["value"] != OTHER_LANGUAGE:
            option["attrs"]["lang"] = option["value"]
        return option


def native_language_choices() -> list[tuple[str, str]]:
    """The interface languages, each by its own name ("Deutsch", "Français" …)."""
    return [
        (code, get_language_info(code)["name_local"].capitalize())
        for code, _name in settings.LANGUAGES
    ]


def text_language_field() -> forms.ChoiceField:
    """The language a person's text (a profile, news, a listing) is written in."""
    return forms.ChoiceField(
        label=_("Language of the text"),
        choices=[*native_language_choices(), (OTHER_LANGUAGE, _("Another language"))],
        widget=LanguageSelect,
        # Browsers always send one; a client that leaves it out keeps the stored language
        # (or, for a new text, gets the author's).
        required=False,
        help_text=_("Readers see it, and their browsers read the text in the right language."),
    )
