"""REST API of a room's questions, under /api/v1/events/{event_id}/ (docs/api.md, "Webinar
rooms: questions, polls and raised hands").

- `GET questions/` the questions you may see, with the live topic and `seq` to resume from
  (`?order=queue`: the hosts' order, pinned then unanswered then most upvoted);
  `POST questions/` `{body, anonymous, client_id}` ask (201; a retry with the same
  client_id answers 200 with the stored question).
- `POST|DELETE questions/{id}/upvote/` upvote once / take it back.
- Hosts: `POST questions/{id}/answer/` `{answered, answer}`, `…/pin/` `{pinned}`,
  `…/hide/` `{hidden}` (403 for anyone else in the room).

Whoever is not in the room now (not registered, removed by a host, the room closed or
ended) gets 404, like for a question they may not see (webinars.selectors.rooms).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webinars.models import Question
from webinars.selectors import questions as selectors
from webinars.selectors.rooms import room_get_for, room_is_host
from webinars.serializers.questions import (
    QuestionAnswerSerializer,
    QuestionAskSerializer,
    QuestionHideSerializer,
    QuestionListSerializer,
    QuestionPinSerializer,
    QuestionSerializer,
)
from webinars.services import questions as services


def question_data(user: Any, question: Any) -> dict[str, Any]:
    """One question as `user` sees it (the row of the list)."""
    return selectors.question_row_for(user, question)


class Questions(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("order", str, enum=["asked", "queue"], required=False)],
        responses=QuestionListSerializer,
    )
    def get(self, request: Request, event_id: int) -> Response:
        """The room's questions (hosts: hidden ones and every author too), oldest first or
        in the hosts' queue order; `seq` is the room topic's, read before the rows."""
        event = room_get_for(request.user, event_id)
        host = room_is_host(request.user, event)
        data = selectors.live_seqs(event, host=host)
        data["questions"] = selectors.question_rows_for(
            request.user, event, queue=request.query_params.get("order") == "queue"
        )
        return Response(data)

    @extend_schema(
        request=QuestionAskSerializer, responses={201: QuestionSerializer, 200: QuestionSerializer}
    )
    def post(self, request: Request, event_id: int) -> Response:
        """Ask a question; `anonymous` hides your name from the other attendees."""
        event = room_get_for(request.user, event_id)
        serializer = QuestionAskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question, created = services.question_ask(
            author=request.user, event=event, **serializer.validated_data
        )
        return Response(
            question_data(request.user, question),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _question(request: Request, event_id: int, question_id: int) -> Question:
    """The question, through the room's gate and the question's (404 otherwise)."""
    event = room_get_for(request.user, event_id)
    return selectors.question_get_for(request.user, event, question_id)


def _host_change(
    request: Request,
    event_id: int,
    question_id: int,
    serializer_class: type[serializers.Serializer],
    service: Callable[..., Question],
) -> Response:
    """A host's change to a question (answer, pin, hide): parse, one service, the question."""
    question = _question(request, event_id, question_id)
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    question = service(host=request.user, question=question, **serializer.validated_data)
    return Response(question_data(request.user, question))


class QuestionUpvote(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=QuestionSerializer)
    def post(self, request: Request, event_id: int, question_id: int) -> Response:
        """Upvote the question (once; a repeat changes nothing)."""
        question = _question(request, event_id, question_id)
        question, _changed = services.question_upvote(user=request.user, question=question)
        return Response(question_data(request.user, question))

    @extend_schema(request=None, responses=QuestionSerializer)
    def delete(self, request: Request, event_id: int, question_id: int) -> Response:
        """Take your upvote back."""
        question = _question(request, event_id, question_id)
        question, _changed = services.question_unupvote(user=request.user, question=question)
        return Response(question_data(request.user, question))


class QuestionAnswer(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=QuestionAnswerSerializer, responses=QuestionSerializer)
    def post(self, request: Request, event_id: int, question_id: int) -> Response:
        """Mark answered, with an optional written answer; `answered: false` reopens it."""
        return _host_change(
            request, event_id, question_id, QuestionAnswerSerializer, services.question_answer
        )


class QuestionPin(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=QuestionPinSerializer, responses=QuestionSerializer)
    def post(self, request: Request, event_id: int, question_id: int) -> Response:
        """Pin the question on top (or unpin it)."""
        return _host_change(
            request, event_id, question_id, QuestionPinSerializer, services.question_pin
        )


class QuestionHide(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=QuestionHideSerializer, responses=QuestionSerializer)
    def post(self, request: Request, event_id: int, question_id: int) -> Response:
        """Hide the question from everyone but the hosts (or show it again)."""
        return _host_change(
            request, event_id, question_id, QuestionHideSerializer, services.question_hide
        )


urlpatterns = [
    path("<int:event_id>/questions/", Questions.as_view(), name="api-room-questions"),
    path(
        "<int:event_id>/questions/<int:question_id>/upvote/",
        QuestionUpvote.as_view(),
        name="api-room-question-upvote",
    ),
    path(
        "<int:event_id>/questions/<int:question_id>/answer/",
        QuestionAnswer.as_view(),
        name="api-room-question-answer",
    ),
    path(
        "<int:event_id>/questions/<int:question_id>/pin/",
        QuestionPin.as_view(),
        name="api-room-question-pin",
    ),
    path(
        "<int:event_id>/questions/<int:question_id>/hide/",
        QuestionHide.as_view(),
        name="api-room-question-hide",
    ),
]
