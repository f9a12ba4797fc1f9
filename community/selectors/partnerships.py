"""Reads and access gates for partnerships.

Partnerships themselves are public: everyone sees the list and each detail page. Their
member organisations are shown to the public only when the organisation's profile is
published; staff see all of them. Only staff create, edit and change membership.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from community.models import (
    ModerationStatus,
    Organisation,
    OrganisationMembership,
    Partnership,
    PartnershipMembership,
)


def user_can_manage_partnerships(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def partnership_list(
    *, kind: str | None = None, ecosystem: str | None = None
) -> QuerySet[Partnership]:
    """All partnerships by name, with the coordinator, ecosystems and a count of members
    whose profile is published (what the public list shows)."""
    queryset = (
        Partnership.objects.select_related("coordinator")
        .prefetch_related("ecosystems")
        .annotate(
            published_member_count=Count(
                "memberships",
                filter=Q(memberships__organisation__status=ModerationStatus.PUBLISHED),
                distinct=True,
            )
        )
        .order_by("name")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if ecosystem:
        queryset = queryset.filter(ecosystems__slug=ecosystem)
    return queryset


def partnership_get_for(user: Any, slug: str) -> Partnership:
    """The partnership `slug` (public to everyone), or Http404."""
    partnership = Partnership.objects.select_related("coordinator").filter(slug=slug).first()
    if partnership is None:
        raise Http404("No such partnership.")
    return partnership


def partnership_members_for(user: Any, partnership: Partnership) -> QuerySet[PartnershipMembership]:
    """The memberships of `partnership` that `user` may see, organisations by name.

    Staff see every member organisation; everyone else only those whose profile is published.
    """
    queryset = (
        PartnershipMembership.objects.filter(partnership=partnership)
        .select_related("organisation", "partnership")
        .order_by("organisation__name")
    )
    if not user_can_manage_partnerships(user):
        queryset = queryset.filter(organisation__status=ModerationStatus.PUBLISHED)
    return queryset


def partnership_list_for_organisation(organisation: Organisation) -> QuerySet[Partnership]:
    """The partnerships `organisation` coordinates or belongs to, by name (public, like
    the partnerships themselves)."""
    return (
        Partnership.objects.filter(
            Q(memberships__organisation=organisation) | Q(coordinator=organisation)
        )
        .distinct()
        .order_by("name")
    )


def _user_organisation_ids(user: Any) -> QuerySet[OrganisationMembership, Any]:
    return OrganisationMembership.objects.filter(user=user).values("organisation_id")


def partnership_list_for_user(user: Any) -> QuerySet[Partnership]:
    """The partnerships `user` is a member of, through their organisations.

    A person is a member of a partnership when they belong (OrganisationMembership, any
    role) to one of its member organisations or to its coordinator. Anonymous and inactive
    users belong to none. See user_is_partnership_member for the single-partnership check.
    """
    if not (user is not None and user.is_authenticated and user.is_active):
        return Partnership.objects.none()
    organisation_ids = _user_organisation_ids(user)
    return (
        Partnership.objects.filter(
            Q(memberships__organisation_id__in=organisation_ids)
            | Q(coordinator_id__in=organisation_ids)
        )
        .distinct()
        .order_by("name")
    )


def user_is_partnership_member(user: Any, partnership: Partnership) -> bool:
    """True when `user` is a member of `partnership` through one of their organisations.

    The rule, which the partnership forums use as their access gate:
    - the user is authenticated and active, and
    - belongs (OrganisationMembership, any role: admin, editor or member) to an
      organisation that is a member of the partnership (PartnershipMembership) or is its
      coordinator.
    Staff status alone does not make someone a member; callers that let staff in (for
    moderation) check that separately. The organisation's moderation status is not
    considered: staff decided that it belongs to the partnership.
    One query; the answer changes at once when a membership is removed.
    """
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    organisation_ids = _user_organisation_ids(user)
    return Partnership.objects.filter(
        Q(memberships__organisation_id__in=organisation_ids)
        | Q(coordinator_id__in=organisation_ids),
        pk=partnership.pk,
    ).exists()


def partnership_candidate_organisations(partnership: Partnership) -> QuerySet[Organisation]:
    """Organisations staff may add to `partnership`: every one not yet a member."""
    return (
        Organisation.objects.exclude(partnership_memberships__partnership=partnership)
        .only("slug", "name", "status")
        .order_by("name")
    )
