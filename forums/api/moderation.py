"""REST API of forum moderation, mounted at /api/v1/forums/ next to forums/api/forums.py.

- `POST topics/{topic_id}/move/` `{group, reason}`; `POST topics/{topic_id}/merge/`
  `{target, reason}` (staff).
- `GET {slug}/moderation/` the forum's moderation log (staff).
- `GET|POST {slug}/suspensions/` `{user, until, reason}`; `POST suspensions/{id}/lift/`
  `{reason}` (staff).
- `GET|POST {slug}/members/` `{user, reason?}`; `DELETE {slug}/members/{user_id}/` (staff;
  the FCAN only).

What the caller may not read answers 404; a reader who is not staff gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from forums import events
from forums.models import Forum, ForumMember, ForumSuspension, ModerationAction
from forums.selectors import forums as selectors
from forums.selectors import moderation as moderation_selectors
from forums.serializers.forums import TopicSerializer
from forums.serializers.moderation import (
    ForumMemberAddSerializer,
    ForumMemberSerializer,
    ForumModerationActionSerializer,
    ReasonSerializer,
    SuspensionCreateSerializer,
    SuspensionSerializer,
    TopicMergeSerializer,
    TopicMoveSerializer,
)
from forums.services import forums as forum_services
from forums.services import moderation as services

LOG_LIMIT = 200


def _require_moderator(request: Request) -> Any:
    if not selectors.user_is_moderator(request.user):
        raise PermissionDenied(_("Only moderators may do this."))
    return request.user


def _forum_for_moderator(request: Request, slug: str) -> Forum:
    forum = selectors.forum_get_for(request.user, slug)  # 404 for who may not read it
    _require_moderator(request)
    return forum


def _person(user_id: int) -> Any:
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise Http404("No such person.")
    return person


def action_data(action: ModerationAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "verb": action.verb,
        "verb_label": action.get_verb_display(),
        "reason": action.reason,
        "moderator": events.user_ref(action.moderator),
        "topic": action.topic_id,
        "post": action.post_id,
        "subject": events.user_ref(action.subject),
        "details": action.details,
        "created_at": action.created_at.isoformat(),
    }


def suspension_data(suspension: ForumSuspension) -> dict[str, Any]:
    return {
        "id": suspension.pk,
        "forum": suspension.forum.slug,
        "user": events.user_ref(suspension.user),
        "until": suspension.until.isoformat(),
        "reason": suspension.reason,
        "by": events.user_ref(suspension.by),
        "created_at": suspension.created_at.isoformat(),
        "lifted_at": None if suspension.lifted_at is None else suspension.lifted_at.isoformat(),
        "active": suspension.lifted_at is None and suspension.until > timezone.now(),
    }


def member_data(member: ForumMember) -> dict[str, Any]:
    return {"user": events.user_ref(member.user), "added_at": member.added_at.isoformat()}


class TopicMove(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TopicMoveSerializer, responses=TopicSerializer)
    def post(self, request: Request, topic_id: int) -> Response:
        """Move a topic to another group, possibly of another forum (staff). Readers who
        cannot read the new forum lose their live subscription to it at once."""
        topic = selectors.topic_get_for(request.user, topic_id)
        moderator = _require_moderator(request)
        serializer = TopicMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = selectors.group_get_by_id_for(request.user, serializer.validated_data["group"])
        topic = services.topic_move(
            moderator=moderator,
            topic=topic,
            group=group,
            reason=serializer.validated_data["reason"],
        )
        return Response(events.topic_payload(topic))


class TopicMerge(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TopicMergeSerializer, responses=TopicSerializer)
    def post(self, request: Request, topic_id: int) -> Response:
        """Merge this topic into `target` (staff): its posts join the target in order and
        this topic becomes a redirect. Answers the target."""
        source = selectors.topic_get_for(request.user, topic_id)
        moderator = _require_moderator(request)
        serializer = TopicMergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = selectors.topic_get_for(request.user, serializer.validated_data["target"])
        target = services.topic_merge(
            moderator=moderator,
            source=source,
            target=target,
            reason=serializer.validated_data["reason"],
        )
        return Response(events.topic_payload(target))


class ForumModerationLog(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ForumModerationActionSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        """What moderators did in this forum, newest first, the last 200 (staff)."""
        forum = _forum_for_moderator(request, slug)
        actions = moderation_selectors.moderation_log_of(forum)[:LOG_LIMIT]
        return Response([action_data(a) for a in actions])


class ForumSuspensions(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SuspensionSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        """The forum's suspensions, running and lifted ones (staff)."""
        forum = _forum_for_moderator(request, slug)
        return Response(
            [suspension_data(s) for s in moderation_selectors.suspensions_of(forum)[:LOG_LIMIT]]
        )

    @extend_schema(request=SuspensionCreateSerializer, responses={201: SuspensionSerializer})
    def post(self, request: Request, slug: str) -> Response:
        """Suspend a person from the forum until a date (staff): they still read, but cannot
        open topics, reply, react, flag or edit there."""
        forum = _forum_for_moderator(request, slug)
        serializer = SuspensionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        suspension = services.suspension_create(
            moderator=_require_moderator(request),
            forum=forum,
            user=_person(data["user"]),
            until=data["until"],
            reason=data["reason"],
        )
        return Response(suspension_data(suspension), status=status.HTTP_201_CREATED)


class SuspensionLift(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReasonSerializer, responses=SuspensionSerializer)
    def post(self, request: Request, suspension_id: int) -> Response:
        """End a suspension early (staff)."""
        moderator = _require_moderator(request)
        suspension = (
            ForumSuspension.objects.select_related("forum", "user", "by")
            .filter(pk=suspension_id)
            .first()
        )
        if suspension is None:
            raise Http404("No such suspension.")
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suspension = services.suspension_lift(
            moderator=moderator, suspension=suspension, reason=serializer.validated_data["reason"]
        )
        return Response(suspension_data(suspension))


class ForumMembers(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ForumMemberSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        """The members staff added to the forum, by name (staff)."""
        forum = _forum_for_moderator(request, slug)
        return Response([member_data(m) for m in moderation_selectors.members_of(forum)])

    @extend_schema(
        request=ForumMemberAddSerializer,
        responses={201: ForumMemberSerializer, 200: ForumMemberSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        """Add a member (staff; the FCAN only). Adding a member again answers 200."""
        forum = _forum_for_moderator(request, slug)
        serializer = ForumMemberAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = _person(serializer.validated_data["user"])
        existed = ForumMember.objects.filter(forum=forum, user=person).exists()
        member = forum_services.forum_member_add(
            by=_require_moderator(request),
            forum=forum,
            user=person,
            reason=serializer.validated_data["reason"],
        )
        member.user = person
        return Response(
            member_data(member), status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )


class ForumMemberDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, slug: str, user_id: int) -> Response:
        """Remove a member (staff): their live subscriptions to the forum end within a
        second (`unsubscribed`, reason `access_revoked`)."""
        forum = _forum_for_moderator(request, slug)
        member = ForumMember.objects.filter(forum=forum, user_id=user_id).select_related("user")
        found = member.first()
        if found is None:
            raise Http404("No such member.")
        forum_services.forum_member_remove(
            by=_require_moderator(request), forum=forum, user=found.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("topics/<int:topic_id>/move/", TopicMove.as_view(), name="api-forum-topic-move"),
    path("topics/<int:topic_id>/merge/", TopicMerge.as_view(), name="api-forum-topic-merge"),
    path(
        "suspensions/<int:suspension_id>/lift/",
        SuspensionLift.as_view(),
        name="api-forum-suspension-lift",
    ),
    path("<slug:slug>/moderation/", ForumModerationLog.as_view(), name="api-forum-moderation"),
    path("<slug:slug>/suspensions/", ForumSuspensions.as_view(), name="api-forum-suspensions"),
    path("<slug:slug>/members/", ForumMembers.as_view(), name="api-forum-members"),
    path(
        "<slug:slug>/members/<int:user_id>/",
        ForumMemberDetail.as_view(),
        name="api-forum-member",
    ),
]
