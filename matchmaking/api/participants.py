"""REST API of participants, mounted at /api/v1/matchmaking/.

- `GET events/{slug}/participants/`: the event's participants (filters `q`, `ecosystem`,
  `country`, `organisation_type`, `offers`, `looking_for`), paginated. Its participants,
  organisers and staff only; 404 for everyone else.
- `GET|PUT|PATCH events/{slug}/participants/me/`: my own profile at the event (404 unless I
  take part).
- `GET participants/{id}/`: one profile, for whoever may browse its event.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from matchmaking.models import Participant
from matchmaking.selectors.participants import (
    ParticipantFilters,
    participant_get_for,
    participant_list,
    participant_own_get_for,
    participants_event_get_for,
)
from matchmaking.serializers.participants import (
    ParticipantFilterSerializer,
    ParticipantSerializer,
    ParticipantWriteSerializer,
)
from matchmaking.services.participants import participant_update


class ParticipantList(generics.GenericAPIView[Participant]):
    permission_classes = [IsAuthenticated]
    serializer_class = ParticipantSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[ParticipantFilterSerializer],
        responses=ParticipantSerializer(many=True),
        operation_id="matchmaking_participants_list",
    )
    def get(self, request: Request, slug: str) -> Response:
        """The event's participants, filtered (participants, organisers and staff)."""
        event = participants_event_get_for(request.user, slug)
        query = ParticipantFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = participant_list(event, ParticipantFilters(**query.validated_data))
        page = self.paginate_queryset(rows)
        data = ParticipantSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class MyParticipant(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ParticipantSerializer, operation_id="matchmaking_participants_me")
    def get(self, request: Request, slug: str) -> Response:
        """My profile at the event."""
        participant = participant_own_get_for(request.user, slug)
        return Response(ParticipantSerializer(participant, context={"request": request}).data)

    def _write(self, request: Request, slug: str, *, partial: bool) -> Response:
        participant = participant_own_get_for(request.user, slug)
        serializer = ParticipantWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        participant = participant_update(participant=participant, **serializer.validated_data)
        participant = participant_own_get_for(request.user, slug)
        return Response(ParticipantSerializer(participant, context={"request": request}).data)

    @extend_schema(
        request=ParticipantWriteSerializer,
        responses=ParticipantSerializer,
        operation_id="matchmaking_participants_me_update",
    )
    def put(self, request: Request, slug: str) -> Response:
        """Replace my profile's editable fields (those not sent are kept)."""
        return self._write(request, slug, partial=False)

    @extend_schema(
        request=ParticipantWriteSerializer,
        responses=ParticipantSerializer,
        operation_id="matchmaking_participants_me_partial_update",
    )
    def patch(self, request: Request, slug: str) -> Response:
        """Change the sent fields of my profile."""
        return self._write(request, slug, partial=True)


class ParticipantDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ParticipantSerializer, operation_id="matchmaking_participant_get")
    def get(self, request: Request, participant_id: int) -> Response:
        participant = participant_get_for(request.user, participant_id)
        return Response(ParticipantSerializer(participant, context={"request": request}).data)


urlpatterns = [
    path(
        "events/<slug:slug>/participants/",
        ParticipantList.as_view(),
        name="api-matchmaking-participants",
    ),
    path(
        "events/<slug:slug>/participants/me/",
        MyParticipant.as_view(),
        name="api-matchmaking-participant-me",
    ),
    path(
        "participants/<int:participant_id>/",
        ParticipantDetail.as_view(),
        name="api-matchmaking-participant",
    ),
]
