"""Forums themselves: creating one with its standard groups, and the FCAN's members.

Only staff manage forums (PermissionDenied otherwise); the demo data and the admin call the
same functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forums.models import (
    Forum,
    ForumGroup,
    ForumKind,
    ForumMember,
    ModerationAction,
    ModerationVerb,
)
from realtime.services import subscriptions_recheck

if TYPE_CHECKING:
    from community.models import Partnership, User

# The groups every forum of a kind starts with (in English: group names are content,
# written by staff, like partnership names).
STANDARD_GROUPS: dict[str, list[str]] = {
    ForumKind.PARTNERSHIP: ["General updates", "Funding", "Internationalisation"],
    ForumKind.FCAN: ["General updates", "Funding", "Digitalisation", "Green economy"],
    ForumKind.COMMUNITY: ["General updates"],
}


# The live topic kinds of the forums: re-checked all at once when a person's access ends.
FORUM_TOPIC_KINDS = ["forum_topic", "forum_group"]


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


def _require_managed(forum: Forum) -> None:
    if forum.kind != ForumKind.FCAN:
        raise ValidationError(
            {
                "forum": _(
                    "Members are managed only in the Forum of Cluster Associations and Networks."
                )
            }
        )


def forum_member_add(*, by: User, forum: Forum, user: User, reason: str = "") -> ForumMember:
    """Staff add a member to a forum whose membership they manage (the FCAN); adding one
    again changes nothing. Side effect: a ModerationAction (`member_add`) when added."""
    _require_staff(by)
    _require_managed(forum)
    if not user.is_active:
        raise ValidationError({"user": _("This account is disabled.")})
    with transaction.atomic():
        member, created = ForumMember.objects.get_or_create(forum=forum, user=user)
        if created:
            ModerationAction.objects.create(
                forum=forum,
                moderator=by,
                verb=ModerationVerb.MEMBER_ADD,
                reason=reason.strip(),
                subject=user,
            )
    return member


def forum_member_remove(*, by: User, forum: Forum, user: User, reason: str = "") -> None:
    """Staff remove a member. Side effects: a ModerationAction (`member_remove`); after
    commit every socket of theirs re-checks its forum subscriptions, so those to this
    forum's topics and groups end within a second (`unsubscribed`, `access_revoked`)."""
    _require_staff(by)
    with transaction.atomic():
        deleted, _rows = ForumMember.objects.filter(forum=forum, user=user).delete()
        if deleted:
            ModerationAction.objects.create(
                forum=forum,
                moderator=by,
                verb=ModerationVerb.MEMBER_REMOVE,
                reason=reason.strip(),
                subject=user,
            )
            subscriptions_recheck(user_ids=[user.pk], kinds=FORUM_TOPIC_KINDS)
