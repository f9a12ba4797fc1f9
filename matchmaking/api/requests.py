"""REST API v1 of meeting requests, under /api/v1/matchmaking/ (matchmaking/api/urls.py).

- `GET events/{slug}/requests/` the requests I sent and received at the event (`?status=`),
  paginated; `POST` `{recipient, slots, message}` asks a participant for a meeting (201).
- `GET requests/{id}/` one request (its two people; the event's organisers read-only).
- `POST requests/{id}/accept/` `{slot}` (201, the meeting), `…/decline/` `{reason}`,
  `…/propose/` `{slot}`, `…/cancel/`: the request's two people, each for their own moves.
- `POST events/{slug}/no-thanks/` `{participant}` (204): no requests between us, either way.

A request or event the caller may not see answers 404 (matchmaking.selectors.requests);
an organiser who answers a request, or a person who makes the other side's move, 403; a
move the request's state or the rules refuse, 400 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from matchmaking.models import MeetingRequest, MeetingSlot, Participant
from matchmaking.selectors.participants import matchmaking_event_get_for
from matchmaking.selectors.requests import (
    participant_for,
    participant_get_for,
    request_get_for,
    request_get_for_party,
    request_list_for,
)
from matchmaking.serializers.meetings import MeetingSerializer
from matchmaking.serializers.requests import (
    MeetingRequestCreateSerializer,
    MeetingRequestFilterSerializer,
    MeetingRequestItemSerializer,
    NoThanksSerializer,
    RequestReasonSerializer,
    RequestSlotChoiceSerializer,
)
from matchmaking.services import requests as services
from webinars.models import Event


def _me(user: Any, event: Event) -> Participant:
    me = participant_for(user, event)
    if me is None or me.withdrawn_at is not None:
        raise PermissionDenied(_("Take part in the event's matchmaking first."))
    return me


def _slot(event_id: int, slot_id: int) -> MeetingSlot:
    slot = MeetingSlot.objects.filter(event_id=event_id, pk=slot_id).first()
    if slot is None:
        raise ValidationError({"slot": [_("This slot is not in the event's schedule.")]})
    return slot


def request_data(request: Request, row: MeetingRequest, code: int = status.HTTP_200_OK) -> Response:
    fresh = request_get_for(request.user, row.pk)
    return Response(
        MeetingRequestItemSerializer(fresh, context={"request": request}).data, status=code
    )


class EventRequests(generics.GenericAPIView[MeetingRequest]):
    permission_classes = [IsAuthenticated]
    serializer_class = MeetingRequestItemSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[MeetingRequestFilterSerializer],
        responses=MeetingRequestItemSerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        """The requests I sent and received at the event, newest first."""
        event = matchmaking_event_get_for(request.user, slug)
        query = MeetingRequestFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = request_list_for(request.user, event, status=query.validated_data.get("status", ""))
        page = self.paginate_queryset(rows)
        data = MeetingRequestItemSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=MeetingRequestCreateSerializer, responses={201: MeetingRequestItemSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        """Ask a participant for a meeting at one of one to three slots; they are held for
        both of you until the request is answered or expires. 403 when you do not take part;
        404 for a participant who does not (or no longer); 400 when a rule refuses it."""
        event = matchmaking_event_get_for(request.user, slug)
        serializer = MeetingRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        me = _me(request.user, event)
        recipient = participant_get_for(request.user, event, serializer.validated_data["recipient"])
        ids = set(serializer.validated_data["slots"])
        slots = list(MeetingSlot.objects.filter(event=event, pk__in=ids))
        if len(slots) != len(ids):
            raise ValidationError({"slots": [_("This slot is not in the event's schedule.")]})
        row = services.request_create(
            requester=me,
            recipient=recipient,
            slots=slots,
            message=serializer.validated_data["message"],
        )
        return request_data(request, row, status.HTTP_201_CREATED)


class RequestDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeetingRequestItemSerializer)
    def get(self, request: Request, request_id: int) -> Response:
        """One request: its two people, and the event's organisers (read-only)."""
        row = request_get_for(request.user, request_id)
        return Response(MeetingRequestItemSerializer(row, context={"request": request}).data)


class RequestAccept(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RequestSlotChoiceSerializer, responses={201: MeetingSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        """Accept one of the slots the other person proposed: the meeting is booked for both
        of you. 400 when the slot was taken meanwhile, a cap is reached or the request is no
        longer pending."""
        row, me = request_get_for_party(request.user, request_id)
        serializer = RequestSlotChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slot = _slot(row.event_id, serializer.validated_data["slot"])
        meeting = services.request_accept(request=row, slot=slot, by=me)
        data = MeetingSerializer(meeting, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class RequestDecline(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RequestReasonSerializer, responses=MeetingRequestItemSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        """Decline a request you received, with an optional reason."""
        row, me = request_get_for_party(request.user, request_id)
        serializer = RequestReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.request_decline(
            request=row, by=me, reason=serializer.validated_data["reason"]
        )
        return request_data(request, row)


class RequestPropose(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RequestSlotChoiceSerializer, responses=MeetingRequestItemSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        """Propose another slot for a request you received; the requester may accept it."""
        row, me = request_get_for_party(request.user, request_id)
        serializer = RequestSlotChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slot = _slot(row.event_id, serializer.validated_data["slot"])
        row = services.request_propose(request=row, slot=slot, by=me)
        return request_data(request, row)


class RequestCancel(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=MeetingRequestItemSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        """Withdraw a request you sent while it waits for an answer."""
        row, me = request_get_for_party(request.user, request_id)
        row = services.request_cancel(request=row, by=me)
        return request_data(request, row)


class NoThanks(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=NoThanksSerializer,
        responses={204: OpenApiResponse(description="No requests between you from now on.")},
    )
    def post(self, request: Request, slug: str) -> Response:
        """Say no thanks to a participant: no requests between you, either way; what is
        pending between you ends."""
        event = matchmaking_event_get_for(request.user, slug)
        serializer = NoThanksSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        me = _me(request.user, event)
        other = participant_get_for(request.user, event, serializer.validated_data["participant"])
        services.no_thanks(participant=me, other=other)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("events/<slug:slug>/requests/", EventRequests.as_view(), name="api-matchmaking-requests"),
    path("events/<slug:slug>/no-thanks/", NoThanks.as_view(), name="api-matchmaking-no-thanks"),
    path("requests/<int:request_id>/", RequestDetail.as_view(), name="api-matchmaking-request"),
    path(
        "requests/<int:request_id>/accept/",
        RequestAccept.as_view(),
        name="api-matchmaking-request-accept",
    ),
    path(
        "requests/<int:request_id>/decline/",
        RequestDecline.as_view(),
        name="api-matchmaking-request-decline",
    ),
    path(
        "requests/<int:request_id>/propose/",
        RequestPropose.as_view(),
        name="api-matchmaking-request-propose",
    ),
    path(
        "requests/<int:request_id>/cancel/",
        RequestCancel.as_view(),
        name="api-matchmaking-request-cancel",
    ),
]
