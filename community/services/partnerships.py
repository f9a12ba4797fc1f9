"""Writes for partnerships: create, update, add and remove member organisations.

All of them are for staff only and raise PermissionDenied otherwise. The coordinator is
always a member: create and a change of coordinator add it, and it cannot be removed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from community.models import (
    CONTENT_LANGUAGES,
    Ecosystem,
    Organisation,
    Partnership,
    PartnershipMembership,
    User,
)
from community.richtext import markdown_clean
from community.selectors.partnerships import user_can_manage_partnerships
from community.services.accounts import language_for
from community.signals import partnership_created, partnership_member_removed
from community.slugs import save_with_unique_slug

UNCHANGED: Any = object()
RESERVED_SLUGS = frozenset({"new"})


def _require_staff(user: User) -> None:
    if not user_can_manage_partnerships(user):
        raise PermissionDenied(_("Only staff manage partnerships."))


def _check_fields(
    *, name: str, start_date: datetime.date | None, end_date: datetime.date | None
) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("A name is required.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("The end date (%(end)s) is before the start date (%(start)s).") % {
            "end": end_date.isoformat(),
            "start": start_date.isoformat(),
        }
    if errors:
        raise ValidationError(errors)


def _clean_language(language: str | None) -> str:
    """One of CONTENT_LANGUAGES, or "" (none said); ValidationError for another value."""
    language = language or ""
    if language and language not in dict(CONTENT_LANGUAGES):
        raise ValidationError(
            {
                "language": _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": language, "choices": ", ".join(dict(CONTENT_LANGUAGES))}
            }
        )
    return language


def _ensure_member(partnership: Partnership, organisation: Organisation) -> PartnershipMembership:
    membership, _created = PartnershipMembership.objects.get_or_create(
        partnership=partnership, organisation=organisation
    )
    return membership


@transaction.atomic
def partnership_create(
    *,
    user: User,
    kind: str,
    name: str,
    coordinator: Organisation,
    acronym: str = "",
    description: str = "",
    website: str = "",
    ecosystems: Iterable[Ecosystem] = (),
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    language: str = "",
) -> Partnership:
    """Create a partnership with its coordinator as the first member (staff only).

    The description is markdown; the slug comes from the name. Without `language` (one of
    CONTENT_LANGUAGES) the description is taken to be in the author's language (their saved
    one, else their page's). Raises ValidationError (nothing stored) when the name is empty,
    the dates are reversed or the language is unknown.
    """
    _require_staff(user)
    _check_fields(name=name, start_date=start_date, end_date=end_date)
    language = _clean_language(language) or language_for(user, fallback=translation.get_language())
    partnership = Partnership(
        kind=kind,
        name=name.strip(),
        acronym=acronym.strip(),
        description=markdown_clean(description),
        language=language,
        website=website,
        coordinator=coordinator,
        start_date=start_date,
        end_date=end_date,
    )
    save_with_unique_slug(partnership, name, fallback="partnership", reserved=RESERVED_SLUGS)
    partnership.ecosystems.set(list(ecosystems))
    _ensure_member(partnership, coordinator)
    partnership_created.send(sender=Partnership, partnership=partnership)
    return partnership


@transaction.atomic
def partnership_update(*, partnership: Partnership, user: User, **changes: Any) -> Partnership:
    """Change the given fields of `partnership` (staff only); the slug never changes.

    Accepted keys: kind, name, acronym, description, language, website, coordinator,
    ecosystems, start_date, end_date; a blank language leaves the stored one. A new
    coordinator becomes a member (the old one stays a member until removed). Raises
    ValidationError, storing nothing, for reversed dates or an unknown language.
    """
    _require_staff(user)
    allowed = {
        "kind",
        "name",
        "acronym",
        "description",
        "language",
        "website",
        "coordinator",
        "ecosystems",
        "start_date",
        "end_date",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown partnership fields: {sorted(unknown)}")
    ecosystems = changes.pop("ecosystems", UNCHANGED)
    if "description" in changes:
        changes["description"] = markdown_clean(changes["description"])
    if "language" in changes:
        changes["language"] = _clean_language(changes["language"])
        if not changes["language"]:
            del changes["language"]  # not said: the stored one stays
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    _check_fields(
        name=changes.get("name", partnership.name),
        start_date=changes.get("start_date", partnership.start_date),
        end_date=changes.get("end_date", partnership.end_date),
    )
    for field, value in changes.items():
        setattr(partnership, field, value)
    partnership.save()
    if ecosystems is not UNCHANGED:
        partnership.ecosystems.set(list(ecosystems))
    if "coordinator" in changes:
        _ensure_member(partnership, partnership.coordinator)
    return partnership


@transaction.atomic
def partnership_add_member(
    *,
    partnership: Partnership,
    organisation: Organisation,
    user: User,
    joined_at: datetime.date | None = None,
) -> PartnershipMembership:
    """Add `organisation` to `partnership` (staff only). Raises ValidationError if it is
    already a member."""
    _require_staff(user)
    if PartnershipMembership.objects.filter(
        partnership=partnership, organisation=organisation
    ).exists():
        raise ValidationError(
            {"organisation": _("%(name)s is already a member.") % {"name": organisation.name}}
        )
    try:
        with transaction.atomic():
            return PartnershipMembership.objects.create(
                partnership=partnership, organisation=organisation, joined_at=joined_at
            )
    except IntegrityError as exc:  # a concurrent add of the same organisation
        raise ValidationError(
            {"organisation": _("%(name)s is already a member.") % {"name": organisation.name}}
        ) from exc


@transaction.atomic
def partnership_remove_member(
    *, partnership: Partnership, organisation: Organisation, user: User
) -> None:
    """Remove `organisation` from `partnership` (staff only).

    The coordinator cannot be removed (change the coordinator first). Its people lose
    partnership membership (selectors.partnerships.user_is_partnership_member) at once.
    """
    _require_staff(user)
    if organisation.pk == partnership.coordinator_id:
        raise ValidationError(
            {"organisation": _("The coordinator is always a member; change the coordinator first.")}
        )
    deleted, _details = PartnershipMembership.objects.filter(
        partnership=partnership, organisation=organisation
    ).delete()
    if not deleted:
        raise ValidationError(
            {"organisation": _("%(name)s is not a member.") % {"name": organisation.name}}
        )
    partnership_member_removed.send(
        sender=Partnership, partnership=partnership, organisation=organisation
    )
