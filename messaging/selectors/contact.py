"""Reads for starting a conversation with an organisation: from its profile ("Message this
organisation"), from one of its listings ("Contact"), or by picking it in the people picker.

Who answers an organisation: its *contact people*, the active admins of a published
organisation — the people community's visibility rule already shows to everyone
(community.selectors.accounts), so naming them reveals nothing. A contact who blocked the
writer is left out; when every contact has, the organisation refuses the writer.

Who may write to an organisation (`organisation_message_refusal`): a logged-in person with
a verified email address who is not a member of it, while its profile is published and
somebody there can answer. Visitors are asked to log in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from community.models import (
    ModerationStatus,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
)
from community.selectors.accounts import (
    PERSON_SEARCH_MAX_WORDS,
    membership_list_visible_to,
)
from messaging.models import Block, Conversation, Listing, Participant

if TYPE_CHECKING:
    from community.models import User

ORGANISATION_SEARCH_LIMIT = 10


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def organisation_contacts(organisation: Organisation) -> list[User]:
    """The organisation's contact people: its active admins, longest-standing first.
    None unless the organisation is published."""
    if organisation.status != ModerationStatus.PUBLISHED:
        return []
    rows = (
        OrganisationMembership.objects.filter(
            organisation=organisation, role=OrganisationRole.ADMIN, user__is_active=True
        )
        .select_related("user")
        .order_by("created_at", "id")
    )
    return [m.user for m in rows]


def organisation_recipients(user: Any, organisation: Organisation) -> list[User]:
    """Who a message from `user` to `organisation` goes to: its contacts but `user` and
    those who blocked `user`."""
    contacts = [c for c in organisation_contacts(organisation) if c.pk != user.pk]
    blockers = set(
        Block.objects.filter(
            blocker_id__in=[c.pk for c in contacts], blocked_id=user.pk
        ).values_list("blocker_id", flat=True)
    )
    return [c for c in contacts if c.pk not in blockers]


def organisation_message_refusal(user: Any, organisation: Organisation) -> str | None:
    """Why `user` may not write to `organisation`, or None when they may."""
    if not _active(user):
        return _("Log in to message this organisation.")
    if organisation.status != ModerationStatus.PUBLISHED:
        return _("This organisation's profile is not published: it takes no messages yet.")
    if OrganisationMembership.objects.filter(organisation=organisation, user=user).exists():
        return _("This is your own organisation: write to your colleagues from Messages.")
    if not user.email_verified:
        return _("Verify your email address before contacting an organisation.")
    contacts = [c for c in organisation_contacts(organisation) if c.pk != user.pk]
    if not contacts:
        return _("Nobody at %(organisation)s can answer at the moment; try again later.") % {
            "organisation": organisation.name
        }
    if not organisation_recipients(user, organisation):
        return _("This organisation does not accept messages from you.")
    return None


def conversation_with_exactly(user: Any, people: list[Any]) -> Conversation | None:
    """`user`'s latest active conversation about no listing whose active participants are
    exactly `user` and `people`; None if there is none."""
    if not _active(user) or not people:
        return None
    ids = {p.pk for p in people} | {user.pk}
    rows = (
        Conversation.objects.filter(listing__isnull=True)
        .annotate(
            people=Count("participants", filter=Q(participants__left_at__isnull=True)),
        )
        .filter(people=len(ids))
    )
    for pk in ids:
        rows = rows.filter(
            Exists(
                Participant.objects.filter(
                    conversation_id=OuterRef("pk"), user_id=pk, left_at__isnull=True
                )
            )
        )
    return rows.order_by("-last_message_at", "-id").first()


def organisation_conversation_for(user: Any, organisation: Organisation) -> Conversation | None:
    """The conversation "Message this organisation" reopens: the one with exactly the
    organisation's recipients (about nothing), if `user` has one."""
    return conversation_with_exactly(user, organisation_recipients(user, organisation))


def listing_conversation_for(user: Any, listing: Listing) -> Conversation | None:
    """The conversation "Contact" reopens: the latest one `user` started about `listing`
    and is still in (one per listing and person)."""
    if not _active(user):
        return None
    return (
        Conversation.objects.filter(
            listing=listing,
            created_by=user,
            participants__user=user,
            participants__left_at__isnull=True,
        )
        .order_by("-id")
        .first()
    )


def organisation_contacts_get_for(viewer: Any, organisation_ids: list[int]) -> list[User]:
    """The contact people of the published organisations with these ids, whom `viewer` may
    write to (never the viewer), once each; ids of hidden, unpublished or missing
    organisations add nobody (the picker never offers them)."""
    if not _active(viewer) or not organisation_ids:
        return []
    rows = (
        membership_list_visible_to(viewer)
        .filter(
            role=OrganisationRole.ADMIN,
            organisation__status=ModerationStatus.PUBLISHED,
            organisation_id__in=organisation_ids,
        )
        .exclude(user_id=viewer.pk)
        .select_related("user")
        .order_by("organisation_id", "created_at", "id")
    )
    return list({m.user_id: m.user for m in rows}.values())


def organisation_search(viewer: Any, q: str) -> tuple[list[tuple[Organisation, list[User]]], bool]:
    """Published organisations whose name or acronym holds every word of `q`, each with the
    contact people the viewer may write to (never the viewer), by name; at most
    ORGANISATION_SEARCH_LIMIT, and whether there were more. Organisations with nobody to
    write to are left out. Preconditions: `q` has been checked for length. Two queries."""
    words = q.split()[:PERSON_SEARCH_MAX_WORDS]
    if not words or not _active(viewer):
        return [], False
    contacts = membership_list_visible_to(viewer).filter(
        role=OrganisationRole.ADMIN, organisation__status=ModerationStatus.PUBLISHED
    )
    contacts = contacts.exclude(user_id=viewer.pk)
    rows = Organisation.objects.filter(
        status=ModerationStatus.PUBLISHED,
        pk__in=contacts.values("organisation_id"),
    )
    for word in words:
        rows = rows.filter(Q(name__icontains=word) | Q(acronym__icontains=word))
    found = list(rows.order_by("name", "pk")[: ORGANISATION_SEARCH_LIMIT + 1])
    more = len(found) > ORGANISATION_SEARCH_LIMIT
    found = found[:ORGANISATION_SEARCH_LIMIT]
    people: dict[int, list[User]] = {o.pk: [] for o in found}
    for membership in (
        contacts.filter(organisation_id__in=list(people))
        .select_related("user")
        .order_by("created_at", "id")
    ):
        people[membership.organisation_id].append(membership.user)
    return [(o, people[o.pk]) for o in found], more
