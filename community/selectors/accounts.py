"""Reads for accounts: a person's memberships and API tokens, and the deletion rule's check."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from community.models import ApiToken, Organisation, OrganisationMembership, OrganisationRole, User


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
