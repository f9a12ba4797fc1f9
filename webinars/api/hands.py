"""REST API of a room's raised hands, under /api/v1/events/{event_id}/ (docs/api.md).

- `GET hands/` your raised hand and the queue's length (hosts: the queue, in order, named),
  with the live topics and `seq`s.
- `POST hands/raise/`, `POST hands/lower/`: your own hand.
- Hosts: `POST hands/{id}/acknowledge/` (gives the floor; the hand leaves the queue),
  `POST hands/{id}/lower/`.

Not in the room: 404; in the room but not a host, for a host's action: 403.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webinars.selectors import hands as selectors
from webinars.selectors.hands import hand_data
from webinars.selectors.questions import live_seqs
from webinars.selectors.rooms import room_get_for, room_is_host
from webinars.serializers.hands import HandSerializer, HandsSerializer
from webinars.services import hands as services
from webinars.services.questions import require_host


class Hands(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=HandsSerializer)
    def get(self, request: Request, event_id: int) -> Response:
        event = room_get_for(request.user, event_id)
        host = room_is_host(request.user, event)
        data = live_seqs(event, host=host)
        data.update(selectors.hands_snapshot_for(request.user, event, host=host))
        return Response(data)


class HandRaise(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: HandSerializer, 200: HandSerializer})
    def post(self, request: Request, event_id: int) -> Response:
        """Raise your hand (at the end of the queue); already raised: 200 with it."""
        event = room_get_for(request.user, event_id)
        hand, created = services.hand_raise(user=request.user, event=event)
        return Response(
            hand_data(request.user, hand),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class HandLowerMine(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: HandSerializer, 204: None},
        operation_id="v1_events_hands_lower_mine",
    )
    def post(self, request: Request, event_id: int) -> Response:
        """Lower your hand (204 when it was not raised)."""
        event = room_get_for(request.user, event_id)
        hand = services.hand_lower_mine(user=request.user, event=event)
        if hand is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(hand_data(request.user, hand))


class HandAcknowledge(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=HandSerializer)
    def post(self, request: Request, event_id: int, hand_id: int) -> Response:
        """Give the floor to a raised hand (hosts)."""
        event = room_get_for(request.user, event_id)
        require_host(request.user, event)
        hand = selectors.hand_get(event, hand_id)
        return Response(
            hand_data(request.user, services.hand_acknowledge(host=request.user, hand=hand))
        )


class HandLower(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=HandSerializer)
    def post(self, request: Request, event_id: int, hand_id: int) -> Response:
        """Lower someone's raised hand (hosts)."""
        event = room_get_for(request.user, event_id)
        require_host(request.user, event)
        hand = selectors.hand_get(event, hand_id)
        return Response(hand_data(request.user, services.hand_lower(host=request.user, hand=hand)))


urlpatterns = [
    path("<int:event_id>/hands/", Hands.as_view(), name="api-room-hands"),
    path("<int:event_id>/hands/raise/", HandRaise.as_view(), name="api-room-hand-raise"),
    path("<int:event_id>/hands/lower/", HandLowerMine.as_view(), name="api-room-hand-lower-mine"),
    path(
        "<int:event_id>/hands/<int:hand_id>/acknowledge/",
        HandAcknowledge.as_view(),
        name="api-room-hand-acknowledge",
    ),
    path(
        "<int:event_id>/hands/<int:hand_id>/lower/", HandLower.as_view(), name="api-room-hand-lower"
    ),
]
