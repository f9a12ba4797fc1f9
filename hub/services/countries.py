"""Writes of the country pages: staff save a country's policy (overview, strategic mark and
its rows of programmes, support measures, contacts and cooperation opportunities).

The service re-checks that the caller is staff (hub.selectors.countries) and raises
PermissionDenied otherwise. Rich text is stored as typed, cleaned by
community.richtext.markdown_clean, and only ever shown through render_markdown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import CONTENT_LANGUAGES, User
from community.richtext import MAX_LENGTH, markdown_clean
from hub.models import CountryItemKind, CountryPage, CountryPageItem
from hub.selectors.countries import country_code_clean, user_can_edit_countries

MAX_ITEMS = 60
UNCHANGED: Any = object()


def link_clean(link: str) -> str:
    """An http(s) address or a mailto: link, or "" — else ValidationError."""
    link = (link or "").strip()
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme in ("http", "https") and parts.netloc:
        return link
    if parts.scheme == "mailto" and "@" in parts.path:
        return link
    raise ValidationError(_("Give a web address (http or https) or a mailto: link."))


def _items_clean(items: Iterable[Mapping[str, Any]]) -> list[CountryPageItem]:
    rows: list[CountryPageItem] = []
    errors: list[str] = []
    for position, item in enumerate(items):
        kind = str(item.get("kind") or "")
        name = (item.get("name") or "").strip()
        description = markdown_clean(item.get("description") or "")
        number = position + 1
        if kind not in CountryItemKind.values:
            errors.append(_("Row %(number)s: choose its kind.") % {"number": number})
        if not name or len(name) > 200:
            errors.append(
                _("Row %(number)s: a name of 1 to 200 characters is required.") % {"number": number}
            )
        if len(description) > MAX_LENGTH:
            errors.append(_("Row %(number)s: the description is too long.") % {"number": number})
        try:
            link = link_clean(item.get("link") or "")
        except ValidationError as exc:
            errors.append(
                _("Row %(number)s: %(problem)s") % {"number": number, "problem": exc.messages[0]}
            )
            link = ""
        if len(link) > 500:
            errors.append(_("Row %(number)s: the link is too long.") % {"number": number})
        rows.append(
            CountryPageItem(
                kind=kind, name=name, description=description, link=link, position=position
            )
        )
    if len(rows) > MAX_ITEMS:
        errors.append(_("A page holds at most %(count)s rows.") % {"count": MAX_ITEMS})
    if errors:
        raise ValidationError({"items": errors})
    return rows


@transaction.atomic
def country_page_save(
    *,
    user: User,
    code: str,
    overview: str = UNCHANGED,
    language: str = UNCHANGED,
    strategic: bool = UNCHANGED,
    items: Iterable[Mapping[str, Any]] = UNCHANGED,
) -> CountryPage:
    """Create or change the stored page of the country `code` (staff only). Fields left
    UNCHANGED keep their value; `items` given replace every row, in the order given.

    Raises PermissionDenied for anyone but staff, Http404 for an unknown country code, and
    ValidationError naming each invalid field (nothing is written then).
    """
    if not user_can_edit_countries(user):
        raise PermissionDenied(_("Only staff edit country pages."))
    code = country_code_clean(code)
    page = CountryPage.objects.select_for_update().filter(country=code).first()
    if page is None:
        page = CountryPage(country=code)
    errors: dict[str, Any] = {}
    if overview is not UNCHANGED:
        page.overview = markdown_clean(overview)
        if len(page.overview) > MAX_LENGTH:
            errors["overview"] = _("The overview is too long.")
    if language is not UNCHANGED:
        if language and language not in dict(CONTENT_LANGUAGES):
            errors["language"] = _("Choose one of the listed languages.")
        page.language = language or ""
    if strategic is not UNCHANGED:
        page.strategic = bool(strategic)
    rows: list[CountryPageItem] | None = None
    if items is not UNCHANGED:
        try:
            rows = _items_clean(items)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    page.updated_by = user
    page.updated_at = timezone.now()
    page.save()
    if rows is not None:
        page.items.all().delete()
        for row in rows:
            row.page = page
        CountryPageItem.objects.bulk_create(rows)
    return page
