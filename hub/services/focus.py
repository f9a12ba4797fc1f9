"""Writes of the In focus pages: staff create and change them.

The services re-check that the caller is staff and raise PermissionDenied otherwise; rich
text is cleaned with community.richtext.markdown_clean and shown only through
render_markdown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.models import CONTENT_LANGUAGES, Ecosystem, Tag, User
from community.richtext import MAX_LENGTH, markdown_clean
from hub.models import FocusKind, FocusPage
from hub.selectors.focus import user_can_edit_focus

UNCHANGED: Any = object()
# Page paths under /focus/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new"})


def _ecosystems(slugs: Iterable[str]) -> list[Ecosystem]:
    slugs = list(dict.fromkeys(str(s) for s in slugs))
    found = {e.slug: e for e in Ecosystem.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(
            {"ecosystems": _("Unknown ecosystem “%(value)s”.") % {"value": unknown[0]}}
        )
    return [found[s] for s in slugs]


def _tags(slugs: Iterable[str]) -> list[Tag]:
    slugs = list(dict.fromkeys(str(s) for s in slugs))
    found = list(Tag.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {t.slug for t in found})
    if unknown:
        raise ValidationError({"tags": _("Unknown tag “%(value)s”.") % {"value": unknown[0]}})
    return found


def _check(page: FocusPage) -> None:
    errors: dict[str, str] = {}
    page.title = (page.title or "").strip()
    page.summary = (page.summary or "").strip()
    if not page.title:
        errors["title"] = _("A title is required.")
    elif len(page.title) > 200:
        errors["title"] = _("The title is too long.")
    if len(page.summary) > 300:
        errors["summary"] = _("The summary is too long.")
    if page.kind not in FocusKind.values:
        errors["kind"] = _("Choose the kind of page.")
    if page.language and page.language not in dict(CONTENT_LANGUAGES):
        errors["language"] = _("Choose one of the listed languages.")
    page.intro = markdown_clean(page.intro)
    if len(page.intro) > MAX_LENGTH:
        errors["intro"] = _("The introduction is too long.")
    if errors:
        raise ValidationError(errors)


def _require_staff(user: User) -> None:
    if not user_can_edit_focus(user):
        raise PermissionDenied(_("Only staff edit In focus pages."))


@transaction.atomic
def focus_page_create(
    *,
    user: User,
    title: str,
    kind: str,
    slug: str = "",
    summary: str = "",
    intro: str = "",
    language: str = "",
    ecosystems: Iterable[str] = (),
    tags: Iterable[str] = (),
    position: int = 0,
    published: bool = True,
) -> FocusPage:
    """Create an In focus page (staff). The slug comes from the title unless given; a slug
    already taken is refused (ValidationError on `slug`)."""
    _require_staff(user)
    slug = slugify(slug or title)[:80].strip("-")
    if not slug or slug in RESERVED_SLUGS or FocusPage.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("This address is taken; choose another.")})
    page = FocusPage(
        slug=slug,
        title=title,
        kind=kind,
        summary=summary,
        intro=intro,
        language=language,
        position=position,
        published=published,
        updated_by=user,
    )
    _check(page)
    found_ecosystems, found_tags = _ecosystems(ecosystems), _tags(tags)
    page.save()
    page.ecosystems.set(found_ecosystems)
    page.tags.set(found_tags)
    return page


@transaction.atomic
def focus_page_update(
    *,
    page: FocusPage,
    user: User,
    title: str = UNCHANGED,
    kind: str = UNCHANGED,
    summary: str = UNCHANGED,
    intro: str = UNCHANGED,
    language: str = UNCHANGED,
    ecosystems: Iterable[str] = UNCHANGED,
    tags: Iterable[str] = UNCHANGED,
    position: int = UNCHANGED,
    published: bool = UNCHANGED,
) -> FocusPage:
    """Change an In focus page (staff); fields left UNCHANGED keep their value. Nothing is
    written when a field is invalid (ValidationError naming it)."""
    _require_staff(user)
    page = FocusPage.objects.select_for_update().get(pk=page.pk)
    for name, value in (
        ("title", title),
        ("kind", kind),
        ("summary", summary),
        ("intro", intro),
        ("language", language),
        ("position", position),
        ("published", published),
    ):
        if value is not UNCHANGED:
            setattr(page, name, value)
    _check(page)
    found_ecosystems = None if ecosystems is UNCHANGED else _ecosystems(ecosystems)
    found_tags = None if tags is UNCHANGED else _tags(tags)
    page.updated_by = user
    page.updated_at = timezone.now()
    page.save()
    if found_ecosystems is not None:
        page.ecosystems.set(found_ecosystems)
    if found_tags is not None:
        page.tags.set(found_tags)
    return page
