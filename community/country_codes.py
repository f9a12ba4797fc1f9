"""Checking the country codes a form or the API sends (calls, library items, listings)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries


def country_codes_clean(codes: Iterable[str], *, field: str) -> list[str]:
    """ISO 3166-1 alpha-2 codes, stripped and upper-cased, each once in the order given;
    a ValidationError keyed by `field` names the first unknown one."""
    cleaned: list[str] = []
    for code in codes:
        code = str(code).strip().upper()
        if code not in countries:
            raise ValidationError({field: _("Unknown country code “%(value)s”.") % {"value": code}})
        if code not in cleaned:
            cleaned.append(code)
    return cleaned
