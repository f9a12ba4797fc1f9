"""Reads and the access gates of the forums.

Who reads a forum:
- a community forum: everyone, visitors included;
- a partnership forum: the people of its member organisations and of its coordinator;
- the FCAN: its members (added by staff).
Staff read every forum and moderate them. Posting needs an account and read access.
A hidden topic is seen by staff only. Whatever a person may not read answers Http404, so
its existence does not leak (docs/architecture.md, "Forums").
"""

from __future__ import annotations

from typing import Any

from django.core.validators import slug_re
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from community.models import OrganisationMembership, Partnership
from forums.models import Forum, ForumGroup, ForumKind, ForumMember, Post, ReadState, Topic


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def user_is_moderator(user: Any) -> bool:
    return _active(user) and bool(user.is_staff)


def _partnership_ids_of(user: Any) -> Any:
    organisations = OrganisationMembership.objects.filter(user=user).values("organisation_id")
    return Partnership.objects.filter(
        Q(memberships__organisation__in=organisations) | Q(coordinator__in=organisations)
    ).values("pk")


def forum_list_for(user: Any) -> QuerySet[Forum]:
    """The forums `user` may read, by kind and name."""
    forums = Forum.objects.select_related("partnership")
    if user_is_moderator(user):
        return forums
    readable = Q(kind=ForumKind.COMMUNITY)
    if _active(user):
        readable |= Q(kind=ForumKind.PARTNERSHIP, partnership__in=_partnership_ids_of(user))
        readable |= Q(
            kind=ForumKind.FCAN,
            pk__in=ForumMember.objects.filter(user=user).values("forum_id"),
        )
    return forums.filter(readable)


def forum_can_read(user: Any, forum: Forum) -> bool:
    return forum_list_for(user).filter(pk=forum.pk).exists()


def forum_can_post(user: Any, forum: Forum) -> bool:
    return _active(user) and forum_can_read(user, forum)


def forum_get_for(user: Any, slug: str) -> Forum:
    # A slug from a query string may hold anything (a NUL byte breaks PostgreSQL's text).
    if not slug_re.fullmatch(slug):
        raise Http404("No such forum.")
    forum = forum_list_for(user).filter(slug=slug).first()
    if forum is None:
        raise Http404("No such forum.")
    return forum


def group_get_for(user: Any, forum_slug: str, group_slug: str) -> ForumGroup:
    forum = forum_get_for(user, forum_slug)
    group = ForumGroup.objects.filter(forum=forum, slug=group_slug).first()
    if group is None:
        raise Http404("No such group.")
    group.forum = forum
    return group


def group_get_by_id_for(user: Any, group_id: Any) -> ForumGroup:
    group = (
        ForumGroup.objects.select_related("forum")
        .filter(pk=_int(group_id), forum__in=forum_list_for(user))
        .first()
    )
    if group is None:
        raise Http404("No such group.")
    return group


def readers_of(forum: Forum) -> QuerySet[Any]:
    """Everyone who may read `forum` among active accounts (mentions resolve only these)."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(is_active=True)
    if forum.kind == ForumKind.COMMUNITY:
        return people
    staff = Q(is_staff=True)
    if forum.kind == ForumKind.FCAN:
        return people.filter(staff | Q(forum_memberships__forum=forum)).distinct()
    partnership = forum.partnership
    assert partnership is not None
    organisations = list(partnership.memberships.values_list("organisation_id", flat=True))
    organisations.append(partnership.coordinator_id)
    return people.filter(staff | Q(memberships__organisation__in=organisations)).distinct()


def _int(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("No such object.") from None
    if not 0 < number < 2**63:
        raise Http404("No such object.")
    return number


def topic_list_visible(user: Any) -> QuerySet[Topic]:
    topics = Topic.objects.select_related("group__forum", "author").filter(
        group__forum__in=forum_list_for(user)
    )
    if not user_is_moderator(user):
        topics = topics.filter(hidden=False)
    return topics


def topic_get_for(user: Any, topic_id: Any) -> Topic:
    """The topic, if `user` may read it; Http404 otherwise (also for a hidden one)."""
    topic = topic_list_visible(user).filter(pk=_int(topic_id)).first()
    if topic is None:
        raise Http404("No such topic.")
    return topic


def post_get_for(user: Any, post_id: Any) -> Post:
    """The post, if `user` may read its topic; a post hidden by a moderator only for staff."""
    post = (
        Post.objects.select_related("topic__group__forum", "author")
        .filter(pk=_int(post_id), topic__in=topic_list_visible(user))
        .first()
    )
    if post is None or (post.hidden and not user_is_moderator(user)):
        raise Http404("No such post.")
    return post


def topic_can_subscribe(user: Any, key: str) -> bool:
    """Gate of the live topic `forum_topic:<id>`: the topic's readers."""
    try:
        topic_get_for(user, key)
    except Http404:
        return False
    return True


def group_can_subscribe(user: Any, key: str) -> bool:
    """Gate of the live topic `forum_group:<id>`: the forum's readers."""
    try:
        group_get_by_id_for(user, key)
    except Http404:
        return False
    return True


def _read_position(user: Any) -> Coalesce:
    """The person's read position in the outer topic (0 when never read)."""
    return Coalesce(
        Subquery(
            ReadState.objects.filter(user=user, topic=OuterRef("pk")).values("last_read_post_id")[
                :1
            ]
        ),
        0,
    )


def _unread_posts(user: Any) -> QuerySet[Post]:
    """Posts of the outer topic, by others, after the person's read position."""
    position = Coalesce(
        Subquery(
            ReadState.objects.filter(user=user, topic=OuterRef(OuterRef("pk"))).values(
                "last_read_post_id"
            )[:1]
        ),
        0,
    )
    return (
        Post.objects.filter(
            topic=OuterRef("pk"), deleted_at__isnull=True, hidden=False, pk__gt=position
        )
        .exclude(author=user)
        .order_by()
    )


def topics_of_group(user: Any, group: ForumGroup) -> QuerySet[Topic]:
    """The topics of a group the user may see, pinned first, then by last activity, with
    `unread`: posts by others after the person's read position (0 for visitors).

    The posts are counted only where the topic's last visible post (`last_post_id`) comes
    after the read position; every other topic is read to the end: 0 without a probe."""
    topics = topic_list_visible(user).filter(group=group, merged_into__isnull=True)
    if _active(user):
        counted = _unread_posts(user).values("topic").annotate(n=Count("pk")).values("n")[:1]
        topics = topics.annotate(
            unread=Case(
                When(
                    last_post_id__gt=_read_position(user),
                    then=Coalesce(Subquery(counted), 0),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    return topics.order_by("-pinned", "-last_activity_at", "-pk")


def unread_by_group(user: Any, forum: Forum) -> dict[int, int]:
    """Per group of `forum`: how many topics hold posts the person has not read.

    A topic has unread posts when its last visible post (`Topic.last_post_id`, kept by
    forums.services.topic_last_post) comes after the person's read position: one join of
    the topics with the person's read states, no probe of the posts. It means "posts by
    others" because posting moves the author's read position to their post
    (forums.services.topics: topic_open, _post_reply), so one's own last post is never
    after one's position (docs/decisions.md, "Forum unread counts from the topic's last
    post")."""
    if not _active(user):
        return {}
    rows = (
        topic_list_visible(user)
        .filter(group__forum=forum)
        .annotate(
            own_state=FilteredRelation("read_states", condition=Q(read_states__user=user)),
        )
        # Annotated first, so the join stays LEFT OUTER (a topic never read has no state).
        .annotate(position=Coalesce(F("own_state__last_read_post_id"), 0))
        .filter(last_post_id__gt=F("position"))
        .order_by()
        .values("group_id")
        .annotate(n=Count("pk"))
    )
    return {row["group_id"]: row["n"] for row in rows}


def posts_of_topic(user: Any, topic: Topic) -> QuerySet[Post]:
    """The posts of a topic in order, with reactions; tombstones stay in place."""
    return (
        Post.objects.filter(topic=topic)
        .select_related("author")
        .prefetch_related("reactions", "attachments")
        .order_by("pk")
    )
