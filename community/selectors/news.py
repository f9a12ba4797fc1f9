"""Reads and access gates for news.

Who may do what (the services trust these answers; tests/community/test_news_access.py is
the matrix):

- see a published item: everyone;
- see an unpublished item: its author, members (any role) of its organisation, staff;
  anyone else gets Http404, so its existence does not leak;
- post: staff (published at once), or a member of a published organisation with a verified
  email address, on behalf of that organisation (moderated);
- edit / submit / delete: staff always; the author while the item is a draft or rejected
  (delete also while it waits for review) and while they still belong to its organisation;
- publish / reject / see the moderation queue: staff.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from community.models import (
    ModerationStatus,
    NewsItem,
    Organisation,
    OrganisationMembership,
)
from community.search import apply_news_search

AUTHOR_EDITABLE = (ModerationStatus.DRAFT, ModerationStatus.REJECTED)


def _is_staff(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def _with_relations(queryset: QuerySet[NewsItem]) -> QuerySet[NewsItem]:
    return queryset.select_related("author", "organisation").prefetch_related("ecosystems")


def news_published() -> QuerySet[NewsItem]:
    """Published news, newest first, with what list pages and the API show."""
    return _with_relations(
        NewsItem.objects.filter(status=ModerationStatus.PUBLISHED).order_by("-published_at", "-id")
    )


def news_matching(queryset: QuerySet[NewsItem], q: str) -> QuerySet[NewsItem]:
    """The items of `queryset` matching the search `q` (community.search), best first:
    titles containing `q`, then by relevance, then newest. A blank `q` keeps everything."""
    if not q.strip():
        return queryset
    return apply_news_search(queryset, q).order_by(
        "-title_hit", "-relevance", "-published_at", "-id"
    )


def news_list_published(
    *, ecosystem: str | None = None, country: str | None = None, q: str = ""
) -> QuerySet[NewsItem]:
    """Published news filtered by ecosystem slug, ISO country code and search (all optional)."""
    queryset = news_published()
    if ecosystem:
        queryset = queryset.filter(ecosystems__slug=ecosystem)
    if country:
        queryset = queryset.filter(country=country.upper())
    return news_matching(queryset.distinct() if ecosystem else queryset, q)


def news_list_authored_by(user: Any) -> QuerySet[NewsItem]:
    """Everything `user` wrote, in any status, most recently changed first."""
    if not user.is_authenticated:
        return NewsItem.objects.none()
    return _with_relations(NewsItem.objects.filter(author=user).order_by("-updated_at", "-id"))


def news_moderation_queue() -> QuerySet[NewsItem]:
    """Items waiting for review, oldest submission first. Callers check staff first."""
    return _with_relations(
        NewsItem.objects.filter(status=ModerationStatus.NEEDS_REVIEW).order_by("submitted_at", "id")
    )


def _visible_filter(user: Any) -> Q:
    if _is_staff(user):
        return Q()
    published = Q(status=ModerationStatus.PUBLISHED)
    if not (user is not None and user.is_authenticated and user.is_active):
        return published
    member = Exists(
        OrganisationMembership.objects.filter(
            organisation_id=OuterRef("organisation_id"), user=user
        )
    )
    return published | Q(author=user) | Q(member)


def news_list_visible_to(user: Any) -> QuerySet[NewsItem]:
    """Every item `user` may open, in any status: the rule of `news_get_for` (the site
    search lists what this gives)."""
    return _with_relations(NewsItem.objects.filter(_visible_filter(user)))


def news_get_for(user: Any, slug: str) -> NewsItem:
    """The news item `slug` if `user` may see it, else Http404.

    Published: everyone. Otherwise: the author, members of its organisation, staff.
    """
    item = _with_relations(NewsItem.objects.filter(_visible_filter(user), slug=slug)).first()
    if item is None:
        raise Http404("No such news item.")
    return item


def news_postable_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations on whose behalf `user` may post community news.

    Published organisations `user` belongs to (any role), if their email is verified.
    """
    if not (user.is_authenticated and user.is_active and user.email_verified):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        status=ModerationStatus.PUBLISHED, memberships__user=user
    ).order_by("name")


def user_can_post_news(user: Any) -> bool:
    return _is_staff(user) or news_postable_organisations(user).exists()


def _author_may_still_post(user: Any, item: NewsItem) -> bool:
    return (
        item.author_id == user.pk
        and item.organisation_id is not None
        and news_postable_organisations(user).filter(pk=item.organisation_id).exists()
    )


def user_can_edit_news(user: Any, item: NewsItem) -> bool:
    if _is_staff(user):
        return True
    if not user.is_authenticated:
        return False
    return item.status in AUTHOR_EDITABLE and _author_may_still_post(user, item)


def user_can_submit_news(user: Any, item: NewsItem) -> bool:
    return item.status in AUTHOR_EDITABLE and user_can_edit_news(user, item)


def user_can_delete_news(user: Any, item: NewsItem) -> bool:
    if _is_staff(user):
        return True
    if not user.is_authenticated:
        return False
    return item.status != ModerationStatus.PUBLISHED and item.author_id == user.pk


def user_can_moderate_news(user: Any) -> bool:
    return _is_staff(user)
