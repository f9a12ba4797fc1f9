"""Reads of forum moderation: active suspensions, the moderation log, the FCAN's members.

`suspension_check` is the one place that says whether a person may write in a forum today;
every writing service calls it (forums/services/topics.py, flags.py), so pages, the REST API
and socket actions refuse alike.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from forums.models import Forum, ForumMember, ForumSuspension, ModerationAction


def suspension_active(user: Any, forum: Forum) -> ForumSuspension | None:
    """The suspension of `user` from `forum` that ends last, if one is running now."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        ForumSuspension.objects.filter(
            forum=forum, user=user, lifted_at__isnull=True, until__gt=timezone.now()
        )
        .order_by("-until")
        .first()
    )


def suspension_message(suspension: ForumSuspension) -> str:
    # As the pages write times ("9 Dec 2026, 11:42"), in the person's time zone.
    until = formats.date_format(timezone.localtime(suspension.until), "j M Y, H:i")
    return _("You are suspended from this forum until %(until)s.") % {"until": until}


def suspension_check(user: Any, forum: Forum) -> None:
    """PermissionDenied, saying until when, if `user` is suspended from `forum`."""
    suspension = suspension_active(user, forum)
    if suspension is not None:
        raise PermissionDenied(suspension_message(suspension))


def suspensions_of(forum: Forum) -> QuerySet[ForumSuspension]:
    """The forum's suspensions, running ones first, newest first."""
    return (
        ForumSuspension.objects.filter(forum=forum)
        .select_related("user", "by", "lifted_by")
        .order_by("lifted_at", "-created_at", "-pk")
    )


def moderation_log_of(forum: Forum) -> QuerySet[ModerationAction]:
    """Everything moderators did in the forum, newest first."""
    return ModerationAction.objects.filter(forum=forum).select_related(
        "moderator", "subject", "topic", "post"
    )


def members_of(forum: Forum) -> QuerySet[ForumMember]:
    """The members staff added to the forum (the FCAN), by name."""
    return (
        ForumMember.objects.filter(forum=forum)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
