"""Forums themselves: creating one with its standard groups, and the FCAN's members.

Only staff manage forums (PermissionDenied otherwise); the demo data and the admin call the
same functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forums import events
from forums.models import Forum, ForumGroup, ForumKind, ForumMember, ReadState
from realtime.services import subscription_revoke

if TYPE_CHECKING:
    from community.models import Partnership, User

# The groups every forum of a kind starts with (in English: group names are content,
# written by staff, like partnership names).
STANDARD_GROUPS: dict[str, list[str]] = {
    ForumKind.PARTNERSHIP: ["General updates", "Funding", "Internationalisation"],
    ForumKind.FCAN: ["General updates", "Funding", "Digitalisation", "Green economy"],
    ForumKind.COMMUNITY: ["General updates"],
}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "forum"
    slug, n = base, 1
    # "search" is the search page's path (/forums/search/, /api/v1/forums/search/).
    while slug == "search" or Forum.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def forum_create(
    *, kind: str, name: str, partnership: Partnership | None = None, description: str = ""
) -> Forum:
    """Create a forum with the standard groups of its kind. No permission check: called by
    staff tools (admin, demo data, `forum_for_partnership`)."""
    with transaction.atomic():
        forum = Forum.objects.create(
            kind=kind,
            name=name,
            slug=_unique_slug(name),
            partnership=partnership,
            description=description,
        )
        for position, group_name in enumerate(STANDARD_GROUPS[kind]):
            ForumGroup.objects.create(
                forum=forum, name=group_name, slug=slugify(group_name), position=position
            )
    return forum


def forum_for_partnership(partnership: Partnership) -> Forum:
    """The partnership's forum, created with its groups the first time it is needed."""
    existing = Forum.objects.filter(partnership=partnership).first()
    if existing is not None:
        return existing
    return forum_create(
        kind=ForumKind.PARTNERSHIP,
        name=partnership.acronym or partnership.name,
        partnership=partnership,
    )


def _require_staff(user: Any) -> None:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied(_("Only moderators may do this."))


def forum_member_add(*, by: User, forum: Forum, user: User) -> ForumMember:
    """Staff add a member to a forum whose membership they manage (the FCAN)."""
    _require_staff(by)
    member, _created = ForumMember.objects.get_or_create(forum=forum, user=user)
    return member


def forum_member_remove(*, by: User, forum: Forum, user: User) -> None:
    """Staff remove a member; their live subscriptions to the forum's topics end at once."""
    _require_staff(by)
    with transaction.atomic():
        ForumMember.objects.filter(forum=forum, user=user).delete()
        topics = ReadState.objects.filter(user=user, topic__group__forum=forum).values_list(
            "topic_id", flat=True
        )
        for topic_id in topics:
            subscription_revoke(user_ids=[user.pk], topic=events.topic_topic(topic_id))
        for group_id in forum.groups.values_list("pk", flat=True):
            subscription_revoke(user_ids=[user.pk], topic=events.group_topic(group_id))
