"""Reads for accounts: a person's memberships and API tokens, the deletion rule's check, and
the gate on whose name a person may see.

Who may see a person's name (`person_list_visible_to`; docs/decisions.md, "Who sees whom"):
only active accounts are ever visible, and to a viewer who
- is that person;
- shares an organisation with them (any role, any profile status);
- or anyone, logged in or not, when the person is public: an admin of a published
  organisation (its answerable contact; there is no per-person "public profile" flag);
- is staff (every active account).
Another app may widen the rule for its own relation (messaging adds the people one shares a
conversation with) by passing `also`; imports point one way, so community never asks it.
Which organisation a person is shown in follows the same rule (`membership_list_visible_to`):
a membership is public only when it is an admin's of a published organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from community.folding import fold
from community.models import (
    ApiToken,
    ModerationStatus,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    User,
    object_id,
)
from community.search import contains_folded

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any

# A search needs this many characters, reads at most this many words, answers this many.
PERSON_SEARCH_MIN_LENGTH = 2
PERSON_SEARCH_MAX_LENGTH = 100
PERSON_SEARCH_MAX_WORDS = 5
PERSON_SEARCH_LIMIT = 20
# One answer for a hidden person and a missing id: callers must not tell them apart either.
PERSON_NOT_FOUND = gettext_lazy("No such person.")


def membership_list_for(user: User) -> QuerySet[OrganisationMembership]:
    """The user's own organisation memberships, with their organisations, by name."""
    return (
        OrganisationMembership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def api_token_list_for(user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first. Nobody sees another person's tokens."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get_for(user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; Http404 for a token that is not theirs or does not exist."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token


def organisation_list_blocking_deletion(user: User) -> QuerySet[Organisation]:
    """Organisations that would be left without an admin if `user` deleted their account.

    That is every organisation where `user` is the only admin and someone else is a member.
    An organisation where `user` is the only member does not block: nobody is left behind.
    """
    admin_of = OrganisationMembership.objects.filter(user=user, role=OrganisationRole.ADMIN).values(
        "organisation_id"
    )
    return (
        Organisation.objects.filter(pk__in=admin_of)
        .annotate(
            other_admins=Count(
                "memberships",
                filter=Q(memberships__role=OrganisationRole.ADMIN) & ~Q(memberships__user=user),
            ),
            other_members=Count("memberships", filter=~Q(memberships__user=user)),
        )
        .filter(other_admins=0, other_members__gt=0)
        .order_by("name")
    )


# --- Who sees whom -------------------------------------------------------------------------


def _active(viewer: AnyUser) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def _staff(viewer: AnyUser) -> bool:
    return _active(viewer) and bool(viewer.is_staff)


def membership_list_visible_to(viewer: AnyUser) -> QuerySet[OrganisationMembership]:
    """Memberships of active people that `viewer` may see: those of the organisations the
    viewer belongs to, the admins of published organisations, or all of them for staff."""
    memberships = OrganisationMembership.objects.filter(user__is_active=True)
    if _staff(viewer):
        return memberships
    visible = Q(organisation__status=ModerationStatus.PUBLISHED, role=OrganisationRole.ADMIN)
    if _active(viewer):
        own = OrganisationMembership.objects.filter(user_id=cast(int, viewer.pk)).values(
            "organisation_id"
        )
        visible |= Q(organisation_id__in=own)
    return memberships.filter(visible)


def person_list_visible_to(viewer: AnyUser, *, also: QuerySet[Any] | None = None) -> QuerySet[User]:
    """The active people whose name `viewer` may see (the module docstring's rule).

    `also`: a queryset of user ids another app adds for a logged-in viewer (messaging: the
    people who share a conversation with them). Ignored for an anonymous or inactive viewer.
    """
    people = User.objects.filter(is_active=True)
    if _staff(viewer):
        return people
    visible = Q(pk__in=membership_list_visible_to(viewer).values("user_id"))
    if _active(viewer):
        visible |= Q(pk=viewer.pk)
        if also is not None:
            visible |= Q(pk__in=also)
    return people.filter(visible)


def _not_found() -> Http404:
    return Http404(str(PERSON_NOT_FOUND))


def people_get_for(
    viewer: AnyUser, person_ids: Iterable[Any], *, also: QuerySet[Any] | None = None
) -> list[User]:
    """The people with these ids, once each in the order given, if `viewer` may see every one
    of them; Http404 as soon as one is hidden, inactive, missing or not an id at all (alike,
    so that nobody learns who has an account)."""
    ids = [object_id(pk) for pk in person_ids]
    wanted = list(dict.fromkeys(pk for pk in ids if pk is not None))
    if len(wanted) != len(dict.fromkeys(ids)):
        raise _not_found()
    found = {p.pk: p for p in person_list_visible_to(viewer, also=also).filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise _not_found()
    return [found[pk] for pk in wanted]


@dataclass(frozen=True)
class PersonMatch:
    """A search result: the person and one organisation the viewer may see them in."""

    person: User
    organisation: Organisation | None


def person_search(
    viewer: AnyUser,
    q: str,
    *,
    also: QuerySet[Any] | None = None,
    limit: int = PERSON_SEARCH_LIMIT,
) -> tuple[list[PersonMatch], bool]:
    """People visible to `viewer` (never the viewer) in whose name, or in the name or acronym
    of an organisation they visibly belong to, every word of `q` appears (accents and case
    ignored: community.search `contains_folded`).

    Returns at most `limit` matches by name, and whether there were more. Each match shows
    the organisation whose name matched, else the first visible one by name, else None.
    Preconditions: `q` has been checked for length by the caller. Two queries.
    """
    words = q.split()[:PERSON_SEARCH_MAX_WORDS]
    if not words:
        return [], False
    memberships = membership_list_visible_to(viewer)
    people = person_list_visible_to(viewer, also=also)
    if viewer.is_authenticated:
        people = people.exclude(pk=viewer.pk)
    for word in words:
        in_organisation = memberships.filter(
            contains_folded("organisation__name", word)
            | contains_folded("organisation__acronym", word)
        ).values("user_id")
        people = people.filter(contains_folded("full_name", word) | Q(pk__in=in_organisation))
    found = list(people.order_by("full_name", "pk")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    first: dict[int, Organisation] = {}
    matched: dict[int, Organisation] = {}
    folded = [fold(w) or "" for w in words]
    for membership in (
        memberships.filter(user_id__in=[p.pk for p in found])
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    ):
        organisation = membership.organisation
        first.setdefault(membership.user_id, organisation)
        text = fold(f"{organisation.name} {organisation.acronym}") or ""
        if any(w in text for w in folded):
            matched.setdefault(membership.user_id, organisation)
    return [
        PersonMatch(person=p, organisation=matched.get(p.pk) or first.get(p.pk)) for p in found
    ], more
