"""REST API v1 of the forums, mounted at /api/v1/forums/ by config/urls.py.

- `GET /` the forums the caller may read; `GET /{slug}/` one, with its groups and unread
  counts.
- `GET|POST groups/{group_id}/topics/` the topics of a group / open one (201).
- `PUT groups/{group_id}/subscription/` `{level}`.
- `GET topics/{topic_id}/` with its live topic and `seq`; `GET|POST topics/{topic_id}/posts/`
  (a retry with the same `client_id` answers 200 with the stored post).
- `POST topics/{topic_id}/read/` `{post_id?}`; `PUT topics/{topic_id}/subscription/`.
- `POST topics/{topic_id}/moderate/` `{action, reason}` (staff);
  `GET topics/{topic_id}/moderation/` the log (staff).
- `PATCH|DELETE posts/{post_id}/` (author); `GET posts/{post_id}/revisions/` (author, staff);
  `POST posts/{post_id}/reactions/` and `posts/{post_id}/reactions/remove/` `{emoji}`;
  `POST posts/{post_id}/moderate/` `{hidden, reason}` (staff).
- `POST posts/{post_id}/flags/` `{reason}`: flag a post for staff (201; while your flag is
  open, 200 with it).

Reading a community forum needs no account; everything else does. A forum, group, topic or
post the caller may not read answers 404 (forums.selectors.forums).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.link_cards import ListingCard
from forums import events
from forums.api import attachments as attachment_api
from forums.models import (
    ModerationAction,
    Post,
    PostRevision,
    ReadState,
    SubscriptionLevel,
    Topic,
    TopicSubscription,
)
from forums.selectors import forums as selectors
from forums.selectors import reading as reading_selectors
from forums.selectors.cards import post_cards_for
from forums.serializers.forums import (
    ForumDetailSerializer,
    ForumSerializer,
    ModerationActionSerializer,
    PostCreateSerializer,
    PostEditSerializer,
    PostFlagCreateSerializer,
    PostFlagSerializer,
    PostModerateSerializer,
    PostSerializer,
    ReactionCountsSerializer,
    ReactionSerializer,
    RevisionSerializer,
    SubscriptionSerializer,
    TopicCreateSerializer,
    TopicDetailSerializer,
    TopicListItemSerializer,
    TopicModerateSerializer,
    TopicReadResultSerializer,
    TopicReadSerializer,
    TopicSerializer,
)
from forums.services import flags as flag_services
from forums.services import moderation as moderation_services
from forums.services import reading as reading_services
from forums.services import topics as services


def _me(request: Any) -> Any:
    """The logged-in person (the gates and login checks ran before)."""
    return request.user


def forum_data(user: Any, forum: Any, *, groups: bool = False) -> dict[str, Any]:
    data = {
        "id": forum.pk,
        "slug": forum.slug,
        "name": forum.name,
        "kind": forum.kind,
        "description": forum.description,
        "partnership": forum.partnership.slug if forum.partnership_id else None,
        "can_post": selectors.forum_can_post(user, forum),
    }
    unread = selectors.unread_by_group(user, forum)
    data["unread_topics"] = sum(unread.values())
    if groups:
        data["groups"] = [
            {
                "id": g.pk,
                "name": g.name,
                "slug": g.slug,
                "unread_topics": unread.get(g.pk, 0),
                "topic": events.group_topic(g.pk),
                "seq": services.group_seq(g.pk),
            }
            for g in forum.groups.all()
        ]
    return data


def topic_detail_data(user: Any, topic: Topic) -> dict[str, Any]:
    data: dict[str, Any] = dict(events.topic_payload(topic))
    level = SubscriptionLevel.NORMAL.value
    last_read = 0
    if user.is_authenticated:
        level = (
            TopicSubscription.objects.filter(user=user, topic=topic)
            .values_list("level", flat=True)
            .first()
            or level
        )
        last_read = (
            ReadState.objects.filter(user=user, topic=topic)
            .values_list("last_read_post_id", flat=True)
            .first()
            or 0
        )
    unread, first_unread = reading_selectors.topic_unread(user, topic, last_read)
    data.update(
        live_topic=events.topic_topic(topic.pk),
        seq=services.topic_seq(topic.pk),
        subscription=level,
        last_read_post_id=last_read,
        unread=unread,
        first_unread_post_id=first_unread,
        merged_into=topic.merged_into_id,
    )
    return data


def post_data(user: Any, post: Post, cards: list[ListingCard] | None = None) -> dict[str, Any]:
    """A post for `user`: its cards are the linked listings `user` may see."""
    if cards is None:
        cards = post_cards_for(user, [post]).get(post.pk, [])
    data: dict[str, Any] = dict(events.post_payload(post, cards=cards))
    if post.hidden and post.deleted_at is None and selectors.user_is_moderator(user):
        # Moderators still read what they hid.
        data.update(
            body=post.body,
            body_html=post.body_html,
            attachments=events.attachments_payload(post),
        )
    return data


class ForumList(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=ForumSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The forums you may read: community forums for everyone, your partnerships'
        forums, the FCAN for its members; staff see all."""
        return Response(
            [forum_data(request.user, f) for f in selectors.forum_list_for(request.user)]
        )


class ForumDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=ForumDetailSerializer)
    def get(self, request: Request, slug: str) -> Response:
        forum = selectors.forum_get_for(request.user, slug)
        return Response(forum_data(request.user, forum, groups=True))


class GroupTopics(generics.GenericAPIView[Topic]):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = TopicListItemSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Topic]:
        group = selectors.group_get_by_id_for(self.request.user, self.kwargs["group_id"])
        return selectors.topics_of_group(self.request.user, group)

    @extend_schema(responses=TopicListItemSerializer(many=True))
    def get(self, request: Request, group_id: int) -> Response:
        """The group's topics: pinned first, then by last activity."""
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        first = reading_selectors.first_unread_by_topic(
            request.user, [t.pk for t in page if getattr(t, "unread", 0)]
        )
        rows = [
            {
                **events.topic_payload(t),
                "unread": getattr(t, "unread", 0),
                "first_unread_post_id": first.get(t.pk),
            }
            for t in page
        ]
        return self.get_paginated_response(rows)

    @extend_schema(
        request=TopicCreateSerializer,
        responses={201: TopicDetailSerializer, 200: TopicDetailSerializer},
    )
    def post(self, request: Request, group_id: int) -> Response:
        """Open a topic with its first post (you watch it from then on); a retry with the same
        client_id answers 200 with the topic it opened."""
        group = selectors.group_get_by_id_for(request.user, group_id)
        serializer = TopicCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        topic, created = services.topic_open(
            author=_me(request), group=group, **serializer.validated_data
        )
        return Response(
            topic_detail_data(request.user, topic),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class GroupSubscriptionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SubscriptionSerializer, responses=SubscriptionSerializer)
    def put(self, request: Request, group_id: int) -> Response:
        """watching: a notification for every new topic; muted: nothing from the group."""
        group = selectors.group_get_by_id_for(request.user, group_id)
        serializer = SubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        level = services.subscription_set(
            user=_me(request),
            group=group,
            level=serializer.validated_data["level"],
        )
        return Response({"level": level})


class TopicDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=TopicDetailSerializer)
    def get(self, request: Request, topic_id: int) -> Response:
        topic = selectors.topic_get_for(request.user, topic_id)
        return Response(topic_detail_data(request.user, topic))


class TopicPosts(generics.GenericAPIView[Post]):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = PostSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Post]:
        topic = selectors.topic_get_for(self.request.user, self.kwargs["topic_id"])
        return selectors.posts_of_topic(self.request.user, topic)

    @extend_schema(responses=PostSerializer(many=True))
    def get(self, request: Request, topic_id: int) -> Response:
        """The topic's posts, oldest first; deleted and hidden ones as tombstones."""
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        cards = post_cards_for(request.user, page)
        return self.get_paginated_response(
            [post_data(request.user, p, cards.get(p.pk, [])) for p in page]
        )

    @extend_schema(
        request=PostCreateSerializer, responses={201: PostSerializer, 200: PostSerializer}
    )
    def post(self, request: Request, topic_id: int) -> Response:
        """Reply (201); a retry with the same client_id answers 200 with the stored post."""
        topic = selectors.topic_get_for(request.user, topic_id)
        serializer = PostCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reply_to = None
        if data["reply_to"] is not None:
            reply_to = Post.objects.filter(pk=data["reply_to"], topic=topic).first()
            if reply_to is None:
                raise ValidationError({"reply_to": [_("No such post in this topic.")]})
        post, created = services.post_reply(
            author=_me(request),
            topic=topic,
            body=data["body"],
            reply_to=reply_to,
            language=data["language"],
            client_id=data["client_id"],
            attachments=data["attachments"],
            confirm_mentions=data["confirm_mentions"],
        )
        return Response(
            post_data(request.user, post),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class TopicRead(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TopicReadSerializer, responses=TopicReadResultSerializer)
    def post(self, request: Request, topic_id: int) -> Response:
        """Move your read position forward (never back), e.g. to the last post that has been
        on screen. Your other devices hear of it (`forum.read` on `user:<id>`)."""
        topic = selectors.topic_get_for(request.user, topic_id)
        serializer = TopicReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = reading_services.topic_read_advance(
            user=_me(request),
            topic=topic,
            post_id=serializer.validated_data["post_id"],
        )
        return Response(result)


class TopicSubscriptionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SubscriptionSerializer, responses=SubscriptionSerializer)
    def put(self, request: Request, topic_id: int) -> Response:
        """watching: every reply; tracking and normal: mentions and replies to your posts;
        muted: nothing."""
        topic = selectors.topic_get_for(request.user, topic_id)
        serializer = SubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        level = services.subscription_set(
            user=_me(request),
            topic=topic,
            level=serializer.validated_data["level"],
        )
        return Response({"level": level})


def _require_moderator(request: Request) -> None:
    if not selectors.user_is_moderator(request.user):
        raise PermissionDenied(_("Only moderators may do this."))


class TopicModerate(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TopicModerateSerializer, responses=TopicSerializer)
    def post(self, request: Request, topic_id: int) -> Response:
        """Pin, unpin, lock, unlock, hide or show a topic, with a reason for the log (staff)."""
        topic = selectors.topic_get_for(request.user, topic_id)
        _require_moderator(request)
        serializer = TopicModerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        topic = moderation_services.topic_moderate(
            moderator=_me(request),
            topic=topic,
            verb=serializer.validated_data["action"],
            reason=serializer.validated_data["reason"],
        )
        return Response(events.topic_payload(topic))


class TopicModerationLog(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ModerationActionSerializer(many=True))
    def get(self, request: Request, topic_id: int) -> Response:
        """What moderators did in this topic, newest first (staff)."""
        topic = selectors.topic_get_for(request.user, topic_id)
        _require_moderator(request)
        actions = ModerationAction.objects.filter(topic=topic).select_related("moderator")
        return Response(
            [
                {
                    "id": a.pk,
                    "verb": a.verb,
                    "reason": a.reason,
                    "moderator": events.user_ref(a.moderator),
                    "post": a.post_id,
                    "created_at": a.created_at.isoformat(),
                }
                for a in actions
            ]
        )


class PostDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PostEditSerializer, responses=PostSerializer)
    def patch(self, request: Request, post_id: int) -> Response:
        """Edit your post; the previous text is kept in its revisions."""
        post = selectors.post_get_for(request.user, post_id)
        serializer = PostEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = services.post_edit(user=_me(request), post=post, **serializer.validated_data)
        return Response(post_data(request.user, post))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, post_id: int) -> Response:
        """Delete your post; a tombstone keeps its place."""
        post = selectors.post_get_for(request.user, post_id)
        services.post_delete(user=_me(request), post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostRevisions(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RevisionSerializer(many=True))
    def get(self, request: Request, post_id: int) -> Response:
        """The earlier texts of a post, oldest first (its author and moderators)."""
        post = selectors.post_get_for(request.user, post_id)
        if post.author_id != request.user.pk:
            _require_moderator(request)
        revisions = PostRevision.objects.filter(post=post).select_related("edited_by")
        return Response(
            [
                {
                    "body": r.body,
                    "edited_by": events.user_ref(r.edited_by),
                    "created_at": r.created_at.isoformat(),
                }
                for r in revisions
            ]
        )


class PostReactions(APIView):
    permission_classes = [IsAuthenticated]
    add = True

    @extend_schema(request=ReactionSerializer, responses=ReactionCountsSerializer)
    def post(self, request: Request, post_id: int) -> Response:
        post = selectors.post_get_for(request.user, post_id)
        serializer = ReactionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = services.reaction_add if self.add else services.reaction_remove
        counts = change(user=_me(request), post=post, emoji=serializer.validated_data["emoji"])
        return Response({"reactions": counts})


class PostModerate(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PostModerateSerializer, responses=PostSerializer)
    def post(self, request: Request, post_id: int) -> Response:
        """Hide a post from everyone but moderators, or show it again (staff)."""
        post = selectors.post_get_for(request.user, post_id)
        _require_moderator(request)
        serializer = PostModerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = moderation_services.post_moderate(
            moderator=_me(request),
            post=post,
            hidden=serializer.validated_data["hidden"],
            reason=serializer.validated_data["reason"],
        )
        return Response(post_data(request.user, post))


class PostFlags(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PostFlagCreateSerializer,
        responses={201: PostFlagSerializer, 200: PostFlagSerializer},
    )
    def post(self, request: Request, post_id: int) -> Response:
        """Flag a post for the staff moderation queue, with a reason. One open flag per
        person and post: while yours is open, a second call answers 200 with it."""
        post = selectors.post_get_for(request.user, post_id)
        serializer = PostFlagCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            flag, created = flag_services.post_flag(
                user=_me(request), post=post, reason=serializer.validated_data["reason"]
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        data = PostFlagSerializer(
            {
                "id": flag.pk,
                "post_id": flag.post_id,
                "reason": flag.reason,
                "created_at": flag.created_at,
                "resolved": flag.resolved_at is not None,
            }
        ).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


urlpatterns = [
    path("", ForumList.as_view(), name="api-forums"),
    path("groups/<int:group_id>/topics/", GroupTopics.as_view(), name="api-forum-group-topics"),
    path(
        "groups/<int:group_id>/subscription/",
        GroupSubscriptionView.as_view(),
        name="api-forum-group-subscription",
    ),
    path("topics/<int:topic_id>/", TopicDetail.as_view(), name="api-forum-topic"),
    path("topics/<int:topic_id>/posts/", TopicPosts.as_view(), name="api-forum-topic-posts"),
    path("topics/<int:topic_id>/read/", TopicRead.as_view(), name="api-forum-topic-read"),
    path(
        "topics/<int:topic_id>/subscription/",
        TopicSubscriptionView.as_view(),
        name="api-forum-topic-subscription",
    ),
    path(
        "topics/<int:topic_id>/moderate/", TopicModerate.as_view(), name="api-forum-topic-moderate"
    ),
    path(
        "topics/<int:topic_id>/moderation/",
        TopicModerationLog.as_view(),
        name="api-forum-topic-moderation",
    ),
    path("posts/<int:post_id>/", PostDetail.as_view(), name="api-forum-post"),
    path(
        "posts/<int:post_id>/revisions/", PostRevisions.as_view(), name="api-forum-post-revisions"
    ),
    path("posts/<int:post_id>/reactions/", PostReactions.as_view(), name="api-forum-post-react"),
    path(
        "posts/<int:post_id>/reactions/remove/",
        PostReactions.as_view(add=False),
        name="api-forum-post-unreact",
    ),
    path("posts/<int:post_id>/moderate/", PostModerate.as_view(), name="api-forum-post-moderate"),
    path("posts/<int:post_id>/flags/", PostFlags.as_view(), name="api-forum-post-flags"),
    *attachment_api.urlpatterns,
    path("<slug:slug>/", ForumDetail.as_view(), name="api-forum"),
]
