"""The language a text written by people is in (organisation profiles, news, listings)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

OTHER_LANGUAGE = "other"
# The five interface languages, or another one. Blank: not known (texts written before the
# field existed).
CONTENT_LANGUAGES = [*settings.LANGUAGES, (OTHER_LANGUAGE, _("Another language"))]


def content_language_field() -> models.CharField[str, str]:
    return models.CharField(
        _("language of the text"),
        max_length=10,
        choices=CONTENT_LANGUAGES,
        blank=True,
        help_text=_("The language the texts are written in, so readers and search know it."),
    )
