"""Readers flag forum posts; staff resolve the flags from the moderation queue.

A flag is a request for review, never an action on the post by itself: only staff hide a post
(forums.services.moderation.post_moderate, which logs it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.models import FlagResolution, Post, PostFlag
from forums.selectors.forums import user_is_moderator
from forums.selectors.moderation import suspension_check
from forums.services import moderation as moderation_services

if TYPE_CHECKING:
    from community.models import User

MAX_REASON_LENGTH = 2000


def post_flag(*, user: User, post: Post, reason: str) -> tuple[PostFlag, bool]:
    """Flag `post` for staff with a reason; (flag, created).

    Preconditions: `post` came through the read gate (forums.selectors.forums.post_get_for).
    A person's second flag on the same post while the first is open returns the open one
    (created False) and keeps its reason. Side effects: none besides the row (the queue reads
    it). A person suspended from the forum cannot flag (PermissionDenied).
    """
    suspension_check(user, post.topic.group.forum)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this post needs a moderator's attention.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("A reason is limited to %(n)s characters.")
                % {"n": f"{MAX_REASON_LENGTH:,}"}
            }
        )
    existing = PostFlag.objects.filter(post=post, reporter=user, resolved_at__isnull=True).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return PostFlag.objects.create(post=post, reporter=user, reason=reason), True
    except IntegrityError:
        # Two requests at once: the partial unique constraint let one through.
        return PostFlag.objects.get(post=post, reporter=user, resolved_at__isnull=True), False


def flag_resolve(*, moderator: User, flag: PostFlag, hide: bool) -> PostFlag:
    """Resolve an open flag: hide the post (logged with the flag's reason) or dismiss it.

    Preconditions: staff (re-checked: PermissionDenied). Hiding resolves every open flag on
    the post, since the post they point at is gone from readers; dismissing resolves this one.
    Side effects of hiding: those of post_moderate (a ModerationAction, `post.hidden`).
    """
    if not user_is_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    with transaction.atomic():
        flag = PostFlag.objects.select_for_update().select_related("post").get(pk=flag.pk)
        if flag.resolved_at is not None:
            raise ValidationError(_("This flag is already resolved."))
        now = timezone.now()
        if hide:
            moderation_services.post_moderate(
                moderator=moderator,
                post=flag.post,
                hidden=True,
                reason=_("Flagged: %(reason)s") % {"reason": flag.reason},
            )
            resolved = PostFlag.objects.filter(post=flag.post, resolved_at__isnull=True)
            resolution = FlagResolution.HIDDEN
        else:
            resolved = PostFlag.objects.filter(pk=flag.pk)
            resolution = FlagResolution.DISMISSED
        resolved.update(resolved_at=now, resolved_by=moderator, resolution=resolution)
        flag.refresh_from_db()
    return flag
