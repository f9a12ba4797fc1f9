"""Reads and access gates for organisation profiles, their people and the moderation queue.

Every view and API endpoint fetches an organisation through one of the gates here:

- `organisation_get_for`: anyone may see a published profile; a profile in any other state
  is visible only to its members and to staff. Otherwise: Http404, so that existence of a
  draft does not leak.
- `organisation_get_for_edit`: admins and editors of the organisation, and staff.
- `organisation_get_for_admin`: admins of the organisation, and staff.
- `organisation_get_for_people`: the organisation's members and staff (the members list).

The last three answer Http404 when the user cannot even see the profile, and PermissionDenied
(403) when they can see it but may not do the thing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community.models import (
    ModerationLogEntry,
    ModerationStatus,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
    Tag,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from community.models import User

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any

EDITOR_ROLES = frozenset({OrganisationRole.ADMIN, OrganisationRole.EDITOR})

# The ECCP validation thresholds.
MIN_MANAGEMENT_FTE = Decimal("0.5")
MIN_MEMBERS = 15
MIN_MEMBER_TYPES = 2
# What each checklist item asks, by key (the moderation log stores keys).
CHECKLIST_LABELS: dict[str, StrOrPromise] = {
    "management_fte": gettext_lazy("At least 0.5 FTE of cluster management staff"),
    "website": gettext_lazy("A website (in English)"),
    "members": gettext_lazy("At least 15 committed members"),
    "member_types": gettext_lazy(
        "At least two member types (industry, research, public bodies, civil society)"
    ),
}


# --- Roles -----------------------------------------------------------------------------


def membership_role_for(user: AnyUser, organisation: Organisation) -> str | None:
    """The user's role in the organisation ("admin", "editor", "member"), or None."""
    if not user.is_authenticated or organisation.pk is None:
        return None
    cache: dict[int, str | None] = getattr(organisation, "_role_cache", {})
    if user.pk not in cache:
        cache[user.pk] = (
            OrganisationMembership.objects.filter(organisation=organisation, user=user)
            .values_list("role", flat=True)
            .first()
        )
        organisation._role_cache = cache  # type: ignore[attr-defined]
    return cache[user.pk]


def _is_staff(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def organisation_can_view(user: AnyUser, organisation: Organisation) -> bool:
    if organisation.status == ModerationStatus.PUBLISHED or _is_staff(user):
        return True
    return membership_role_for(user, organisation) is not None


def organisation_can_edit(user: AnyUser, organisation: Organisation) -> bool:
    return _is_staff(user) or membership_role_for(user, organisation) in EDITOR_ROLES


def organisation_can_administer(user: AnyUser, organisation: Organisation) -> bool:
    return _is_staff(user) or membership_role_for(user, organisation) == OrganisationRole.ADMIN


def organisation_can_see_people(user: AnyUser, organisation: Organisation) -> bool:
    return _is_staff(user) or membership_role_for(user, organisation) is not None


def organisation_can_delete(user: AnyUser, organisation: Organisation) -> bool:
    """Admins delete drafts and rejected profiles; anything else needs staff."""
    if _is_staff(user):
        return True
    return membership_role_for(user, organisation) == OrganisationRole.ADMIN and (
        organisation.status in (ModerationStatus.DRAFT, ModerationStatus.REJECTED)
    )


# --- Gates -----------------------------------------------------------------------------


def organisation_visible_queryset(user: AnyUser) -> QuerySet[Organisation]:
    """Organisations the user may see: published ones, their own, or all for staff."""
    queryset = Organisation.objects.all()
    if _is_staff(user):
        return queryset
    visible = Q(status=ModerationStatus.PUBLISHED)
    if user.is_authenticated:
        visible |= Q(memberships__user=user)
    return queryset.filter(visible).distinct()


def organisation_get_for(user: AnyUser, slug: str) -> Organisation:
    """The profile at `slug` if the user may see it; Http404 otherwise."""
    organisation = (
        Organisation.objects.select_related("primary_ecosystem")
        .prefetch_related(
            "ecosystems", Prefetch("tags", queryset=Tag.objects.order_by("kind", "name"))
        )
        .filter(slug=slug)
        .first()
    )
    if organisation is None or not organisation_can_view(user, organisation):
        raise Http404(_("No such organisation."))
    return organisation


def organisation_get_for_edit(user: AnyUser, slug: str) -> Organisation:
    """The profile if the user may edit it (admin, editor, staff); 404 if hidden, else 403."""
    organisation = organisation_get_for(user, slug)
    if not organisation_can_edit(user, organisation):
        raise PermissionDenied(_("Only the organisation's admins and editors can edit it."))
    return organisation


def organisation_get_for_admin(user: AnyUser, slug: str) -> Organisation:
    """The profile if the user is one of its admins or staff; 404 if hidden, else 403."""
    organisation = organisation_get_for(user, slug)
    if not organisation_can_administer(user, organisation):
        raise PermissionDenied(_("Only the organisation's admins can do this."))
    return organisation


def organisation_get_for_people(user: AnyUser, slug: str) -> Organisation:
    """The profile if the user may see its people (members and staff); 404 / 403."""
    organisation = organisation_get_for(user, slug)
    if not organisation_can_see_people(user, organisation):
        raise PermissionDenied(_("Only the organisation's members can see who belongs to it."))
    return organisation


def organisation_get_for_moderation(user: AnyUser, slug: str) -> Organisation:
    """Any profile, for staff; Http404 for everyone else (the queue is staff-only)."""
    if not _is_staff(user):
        raise Http404(_("No such organisation."))
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404(_("No such organisation."))
    return organisation


def moderation_require_staff(user: AnyUser) -> None:
    """Http404 unless the user is active staff: the moderation area does not exist for others."""
    if not _is_staff(user):
        raise Http404(_("Not found."))


# --- People ----------------------------------------------------------------------------


def invitation_hash_token(token: str) -> str:
    """What is stored of an invitation token: its SHA-256, so a database leak grants nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def membership_list(organisation: Organisation) -> QuerySet[OrganisationMembership]:
    """The organisation's members, admins first, with their user rows."""
    return (
        OrganisationMembership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )


def membership_get(organisation: Organisation, user_id: int) -> OrganisationMembership:
    """One membership of the organisation; Http404 if that person does not belong to it."""
    membership = (
        OrganisationMembership.objects.select_related("user", "organisation")
        .filter(organisation=organisation, user_id=user_id)
        .first()
    )
    if membership is None:
        raise Http404(_("This person is not a member of the organisation."))
    return membership


def membership_admin_count(organisation: Organisation) -> int:
    return OrganisationMembership.objects.filter(
        organisation=organisation, role=OrganisationRole.ADMIN
    ).count()


def invitation_list_pending(organisation: Organisation) -> QuerySet[OrganisationInvitation]:
    """Invitations of the organisation that can still be accepted, newest first."""
    from django.utils import timezone

    return (
        OrganisationInvitation.objects.filter(
            organisation=organisation,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_get(organisation: Organisation, invitation_id: int) -> OrganisationInvitation:
    invitation = OrganisationInvitation.objects.filter(
        organisation=organisation, pk=invitation_id
    ).first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    return invitation


def invitation_get_by_token(token: str) -> OrganisationInvitation | None:
    """The invitation a link's token belongs to (whatever its state), or None."""
    if not token or len(token) > 200:
        return None
    return (
        OrganisationInvitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=invitation_hash_token(token))
        .first()
    )


def organisation_list_for_user(user: AnyUser) -> QuerySet[OrganisationMembership]:
    """The user's memberships with their organisations (for "my organisations" lists)."""
    if not user.is_authenticated:
        return OrganisationMembership.objects.none()
    return OrganisationMembership.objects.filter(user=user).select_related("organisation")


# --- Moderation ------------------------------------------------------------------------


def moderation_log_failed_checks(entry: ModerationLogEntry) -> list[tuple[StrOrPromise, str]]:
    """(label, detail at the time) of each checklist item a published-anyway profile failed."""
    return [
        (
            CHECKLIST_LABELS.get(str(check.get("key")), str(check.get("key"))),
            check.get("detail", ""),
        )
        for check in entry.failed_checks
    ]


def organisation_moderation_queue() -> QuerySet[Organisation]:
    """Profiles waiting for staff, oldest submission first."""
    return (
        Organisation.objects.filter(status=ModerationStatus.NEEDS_REVIEW)
        .select_related("primary_ecosystem")
        .prefetch_related("ecosystems")
        .order_by("submitted_at", "pk")
    )


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: StrOrPromise
    ok: bool
    detail: str


@dataclass(frozen=True)
class Checklist:
    """The ECCP validation checklist of a profile.

    `waived` when the cluster is in a regional or national support programme: the items are
    still shown, but `passed` is then true whatever they say.
    """

    items: list[ChecklistItem] = field(default_factory=list)
    waived: bool = False
    support_programme: str = ""

    @property
    def passed(self) -> bool:
        return self.waived or all(item.ok for item in self.items)

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "waived": self.waived,
            "support_programme": self.support_programme,
            "items": [
                {"key": i.key, "label": str(i.label), "ok": i.ok, "detail": i.detail}
                for i in self.items
            ],
        }


def organisation_checklist(organisation: Organisation) -> Checklist:
    """Compute the ECCP checklist: staffing, website, members and member diversity."""
    members = (
        organisation.members_sme
        + organisation.members_large
        + organisation.members_research
        + organisation.members_public
        + organisation.members_civil
    )
    fte = organisation.management_fte or Decimal("0")
    types = organisation.member_type_count
    items = [
        ChecklistItem(
            "management_fte",
            CHECKLIST_LABELS["management_fte"],
            fte >= MIN_MANAGEMENT_FTE,
            _("%(fte)s FTE") % {"fte": fte},
        ),
        ChecklistItem(
            "website",
            CHECKLIST_LABELS["website"],
            bool(organisation.website),
            organisation.website or _("none given"),
        ),
        ChecklistItem(
            "members",
            CHECKLIST_LABELS["members"],
            members >= MIN_MEMBERS,
            ngettext("%(count)s member", "%(count)s members", members) % {"count": members},
        ),
        ChecklistItem(
            "member_types",
            CHECKLIST_LABELS["member_types"],
            types >= MIN_MEMBER_TYPES,
            ngettext("%(count)s type", "%(count)s types", types) % {"count": types},
        ),
    ]
    return Checklist(
        items=items,
        waived=bool(organisation.support_programme.strip()),
        support_programme=organisation.support_programme.strip(),
    )
